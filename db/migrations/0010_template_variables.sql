-- 0010_template_variables (issue 28, templates with variables; docs/templates.md):
-- 1. A contact keeps the extra columns of the CSV it was imported from (`fields`, lower-cased column
--    name -> text), so a bulk send to a contact list fills `{{ key }}` placeholders per contact.
-- 2. A scheduled/bulk message keeps each recipient's variables (`recipient_variables`: number -> {key:
--    value}, global, contact and per-recipient values already merged); the worker fills the text per
--    recipient. NULL for messages without placeholders (and every message stored before this).
alter table taguato.contact_list_items add column if not exists fields jsonb not null default '{}'::jsonb;
alter table taguato.scheduled_messages add column if not exists recipient_variables jsonb;
