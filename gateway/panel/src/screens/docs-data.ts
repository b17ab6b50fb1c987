/** The routes a user may call, for the API docs screen when /api/openapi.json is not available. */
export type DocRoute = { method: string; path: string; summary: string; body?: unknown; admin?: boolean; public?: boolean }
export type DocGroup = { name: string; routes: DocRoute[] }

export const STATIC_DOCS: DocGroup[] = [
  { name: 'Authentication', routes: [
    { method: 'POST', path: '/api/auth/login', summary: 'Sign in; returns {token, user} or {requires_2fa:true}', body: { username: 'alice', password: 'S3cretPass', totp_code: '123456' }, public: true },
    { method: 'GET', path: '/api/auth/me', summary: 'The signed-in user' },
    { method: 'POST', path: '/api/auth/change-password', summary: 'Change the password (signs out every session)', body: { current_password: '...', new_password: '...' } },
    { method: 'POST', path: '/api/auth/logout', summary: 'Revoke this token' },
    { method: 'POST', path: '/api/auth/logout-all', summary: 'Revoke every session' },
  ] },
  { name: 'Instances', routes: [
    { method: 'GET', path: '/instance/fetchInstances', summary: 'Your instances with their state' },
    { method: 'POST', path: '/instance/create', summary: 'Create an instance: WHATSAPP-BAILEYS (WhatsApp Web, linked by QR or pairing code) or WHATSAPP-BUSINESS (Cloud API: token = Meta access token, number = phone number id, businessId)', body: { instanceName: 'sales', integration: 'WHATSAPP-BAILEYS', qrcode: true } },
    { method: 'GET', path: '/instance/connect/{instance}', summary: 'QR code (base64) or pairing code (?number=)' },
    { method: 'GET', path: '/instance/connectionState/{instance}', summary: 'State: open, connecting or close' },
    { method: 'POST', path: '/instance/restart/{instance}', summary: 'Restart the connection' },
    { method: 'DELETE', path: '/instance/logout/{instance}', summary: 'Unlink the phone' },
    { method: 'DELETE', path: '/instance/delete/{instance}', summary: 'Delete the instance' },
    { method: 'GET', path: '/api/instance/stats/{instance}', summary: 'Send statistics of one instance' },
  ] },
  { name: 'Messages', routes: [
    { method: 'POST', path: '/message/sendText/{instance}', summary: 'Send a text', body: { number: '595981123456', text: 'Hello *world*' } },
    { method: 'POST', path: '/message/sendMedia/{instance}', summary: 'Send an image, document, audio or video (URL or data URL)', body: { number: '595981123456', mediatype: 'image', media: 'https://example.com/a.jpg', caption: 'Hi' } },
    { method: 'GET', path: '/api/messages/log', summary: 'Send history with each text (?phone_number&q&scheduled_message_id&status&message_type&instance_name&date_from&date_to&page&limit)' },
    { method: 'GET', path: '/api/messages/log/{id}', summary: 'One sent message with its status timeline (queued, sent, delivered, read, failed)' },
    { method: 'GET', path: '/api/messages/inbound', summary: 'Replies received (?instance&number&date_from&date_to&page&limit)' },
    { method: 'GET', path: '/api/messages/export', summary: 'Send history as CSV' },
    { method: 'GET', path: '/api/user/dashboard', summary: 'Your counters and the 7-day series' },
  ] },
  { name: 'Templates and contacts', routes: [
    { method: 'GET', path: '/api/templates', summary: 'List templates' },
    { method: 'POST', path: '/api/templates', summary: 'Create a template', body: { name: 'Welcome', content: 'Hi {name}!' } },
    { method: 'PUT', path: '/api/templates/{id}', summary: 'Update a template' },
    { method: 'DELETE', path: '/api/templates/{id}', summary: 'Delete a template' },
    { method: 'GET', path: '/api/contacts', summary: 'Contact lists' },
    { method: 'POST', path: '/api/contacts', summary: 'Create a list', body: { name: 'Customers' } },
    { method: 'GET', path: '/api/contacts/{id}', summary: 'A list with its numbers' },
    { method: 'POST', path: '/api/contacts/{id}/items', summary: 'Add numbers', body: { items: [{ phone_number: '595981123456', label: 'Ana' }] } },
    { method: 'POST', path: '/api/contacts/{id}/import', summary: 'Import a CSV' },
    { method: 'GET', path: '/api/contacts/{id}/export', summary: 'Export a list as CSV' },
  ] },
  { name: 'Scheduled messages and webhooks', routes: [
    { method: 'GET', path: '/api/scheduled', summary: 'Scheduled messages (?status&page&limit)' },
    { method: 'POST', path: '/api/scheduled', summary: 'Schedule a message (up to 500 recipients)', body: { instance_name: 'sales', message_type: 'text', message_content: 'Hi', recipients: ['595981123456'], scheduled_at: '2030-01-01T12:00:00Z' } },
    { method: 'GET', path: '/api/scheduled/{id}', summary: 'One job with its progress' },
    { method: 'POST', path: '/api/scheduled/{id}/cancel', summary: 'Cancel a pending or running job' },
    { method: 'DELETE', path: '/api/scheduled/{id}', summary: 'Delete a job' },
    { method: 'GET', path: '/api/webhooks', summary: 'Your webhooks' },
    { method: 'POST', path: '/api/webhooks', summary: 'Create a webhook', body: { instance_name: 'sales', webhook_url: 'https://example.com/hook', events: ['MESSAGES_UPSERT'] } },
    { method: 'PUT', path: '/api/webhooks/{id}', summary: 'Update URL, events or active flag' },
    { method: 'DELETE', path: '/api/webhooks/{id}', summary: 'Delete a webhook' },
  ] },
  { name: 'Sessions and status', routes: [
    { method: 'GET', path: '/api/sessions', summary: 'Your sessions' },
    { method: 'DELETE', path: '/api/sessions/{id}', summary: 'Revoke a session' },
    { method: 'GET', path: '/api/status', summary: 'Public system status', public: true },
    { method: 'GET', path: '/health', summary: 'Gateway health', public: true },
  ] },
]

export function curlFor(origin: string, r: DocRoute): string {
  const parts = [`curl -X ${r.method} '${origin}${r.path}'`]
  if (!r.public) parts.push(`-H 'apikey: YOUR_TOKEN'`)
  if (r.body !== undefined) parts.push(`-H 'Content-Type: application/json'`, `-d '${JSON.stringify(r.body)}'`)
  return parts.join(' \\\n  ')
}
