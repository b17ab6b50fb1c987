// TAGUATO-SEND status page: fetches /api/status, renders it, refreshes every 60 s. Data is written
// with textContent only (never innerHTML), and nothing is inline, so a strict CSP applies.
'use strict'
;(function () {
  var REFRESH_MS = 60000
  var OVERALL_TEXT = {
    operational: 'All systems operational',
    degraded: 'Degraded performance',
    partial_outage: 'Partial outage',
    major_outage: 'Major outage',
  }
  var STATE_TEXT = {
    operational: 'Operational',
    degraded: 'Degraded performance',
    partial_outage: 'Partial outage',
    major_outage: 'Major outage',
    maintenance: 'Maintenance',
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag)
    if (cls) e.className = cls
    if (text !== undefined && text !== null) e.textContent = String(text)
    return e
  }
  function byId(id) { return document.getElementById(id) }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild) }
  function fmtDate(iso) {
    var d = new Date(iso)
    if (isNaN(d.getTime())) return String(iso)
    return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
  }
  function fmtDay(day) {
    var d = new Date(day + 'T00:00:00Z')
    return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' })
  }
  function pctText(p) { return p === null || p === undefined ? 'no data' : p.toFixed(2) + '%' }
  function barClass(p) {
    if (p === null || p === undefined) return 'bar'
    if (p >= 99.5) return 'bar b-ok'
    if (p >= 95) return 'bar b-minor'
    if (p >= 80) return 'bar b-partial'
    return 'bar b-major'
  }

  function renderOverall(data) {
    var box = byId('overall')
    var state = data.overall_status
    var text = OVERALL_TEXT[state] || state
    var cls = 'overall overall-' + state
    if (data.maintenance_in_progress && state === 'degraded') {
      cls = 'overall overall-maintenance'
      text = 'Maintenance in progress'
    }
    // The banner names what it is about: the services whose own state is not operational.
    var hit = (data.services || []).filter(function (s) { return (s.state || s.status) !== 'operational' })
    if (state !== 'operational' && hit.length) text += ': ' + hit.map(function (s) { return s.name }).join(', ')
    box.className = cls
    byId('overall-text').textContent = text
  }

  function renderBranding(page) {
    if (!page) return
    var title = page.title || 'TAGUATO-SEND'
    byId('brand-title').textContent = title
    document.title = title + ' · System status'
    if (page.logo_url && byId('logo').getAttribute('src') !== page.logo_url) byId('logo').setAttribute('src', page.logo_url)
  }

  function renderMaintenance(list) {
    var box = byId('maintenance')
    clear(box)
    ;(list || []).forEach(function (m) {
      var card = el('div', 'maint' + (m.in_progress ? ' in-progress' : ''))
      card.setAttribute('data-maintenance', String(m.id))
      card.appendChild(el('div', 'maint-kind', m.in_progress ? 'Maintenance in progress' : 'Scheduled maintenance'))
      card.appendChild(el('div', 'maint-title', m.title))
      card.appendChild(el('div', 'maint-when', fmtDate(m.scheduled_start) + ' — ' + fmtDate(m.scheduled_end)))
      if (m.description) card.appendChild(el('div', 'muted', m.description))
      card.appendChild(tags(m.affected_services))
      box.appendChild(card)
    })
  }

  function tags(names) {
    var t = el('div', 'tags')
    ;(names || []).forEach(function (n) { t.appendChild(el('span', 'tag', n)) })
    return t
  }

  // Figures cover measured time only: say since when, and why there is no figure yet.
  function measuredText(since) {
    if (!since) return 'No data yet: uptime is measured every few minutes.'
    var d = new Date(since)
    if (Date.now() - d.getTime() < 3600000) return 'Measuring since ' + fmtDate(since) + '; figures after the first hour.'
    if (Date.now() - d.getTime() < 90 * 86400000) return 'Measured since ' + fmtDate(since) + '.'
    return ''
  }

  function renderServices(services) {
    var box = byId('services')
    clear(box)
    services.forEach(function (s) {
      var row = el('div', 'svc')
      row.setAttribute('data-service', s.name)
      var head = el('div', 'svc-head')
      var name = el('div', 'svc-name')
      var st = s.state || s.status
      name.appendChild(el('span', 'dot dot-' + st))
      name.appendChild(el('span', null, s.name))
      head.appendChild(name)
      var state = el('div', 'svc-state')
      row.setAttribute('data-state', st)
      state.appendChild(el('span', 'state-' + st, STATE_TEXT[st] || st))
      state.appendChild(document.createTextNode(' · ' + s.response_time + ' ms'))
      head.appendChild(state)
      row.appendChild(head)

      var bars = el('div', 'bars')
      bars.setAttribute('role', 'img')
      bars.setAttribute('aria-label', s.name + ' daily uptime')
      ;(s.daily || []).forEach(function (b) {
        var bar = el('span', barClass(b.pct))
        bar.title = fmtDay(b.day) + ': ' + (b.pct === null ? 'no data' : b.pct.toFixed(2) + '% uptime')
        bars.appendChild(bar)
      })
      row.appendChild(bars)
      var axis = el('div', 'bars-axis')
      var left = el('span')
      left.appendChild(el('span', 'axis-long', '90 days ago'))
      left.appendChild(el('span', 'axis-short', '30 days ago'))
      axis.appendChild(left)
      axis.appendChild(el('span', null, 'Today'))
      row.appendChild(axis)

      var w = el('div', 'windows')
      var u = s.uptime || {}
      ;[['24h', '24 h'], ['7d', '7 days'], ['30d', '30 days'], ['90d', '90 days']].forEach(function (pair) {
        var span = el('span', null, pair[1] + ': ')
        span.appendChild(el('b', null, pctText(u[pair[0]])))
        w.appendChild(span)
      })
      row.appendChild(w)
      row.appendChild(el('div', 'measured', measuredText(s.measured_since)))
      box.appendChild(row)
    })
  }

  function incidentBody(i, card) {
    card.appendChild(tags(i.affected_services))
    var tl = el('ol', 'timeline')
    ;(i.updates || []).forEach(function (u) {
      var li = el('li')
      var head = el('div')
      head.appendChild(el('span', 'tl-status', u.status))
      head.appendChild(el('span', 'muted', ' · ' + fmtDate(u.created_at)))
      li.appendChild(head)
      li.appendChild(el('p', 'tl-msg', u.message))
      tl.appendChild(li)
    })
    card.appendChild(tl)
  }

  function incidentHead(i, resolved) {
    var head = el(resolved ? 'summary' : 'div', 'incident-head')
    head.appendChild(el('span', 'incident-title', i.title))
    head.appendChild(el('span', 'badge sev-' + i.severity, i.severity))
    head.appendChild(el('span', 'badge' + (resolved ? ' st-resolved' : ''), i.status))
    if (resolved && i.resolved_at) head.appendChild(el('span', 'muted', 'Resolved ' + fmtDate(i.resolved_at)))
    return head
  }

  function renderIncidents(active, recent) {
    var wrap = byId('active-wrap')
    var box = byId('active')
    clear(box)
    wrap.hidden = !active || active.length === 0
    ;(active || []).forEach(function (i) {
      var card = el('article', 'card incident')
      card.setAttribute('data-incident', String(i.id))
      card.appendChild(incidentHead(i, false))
      incidentBody(i, card)
      box.appendChild(card)
    })
    var hist = byId('history')
    clear(hist)
    if (!recent || recent.length === 0) hist.appendChild(el('div', 'empty', 'No incidents reported recently.'))
    ;(recent || []).forEach(function (i) {
      var card = el('details', 'card incident')
      card.setAttribute('data-incident', String(i.id))
      card.appendChild(incidentHead(i, true))
      incidentBody(i, card)
      hist.appendChild(card)
    })
  }

  function render(data) {
    renderBranding(data.page)
    renderOverall(data)
    renderMaintenance(data.scheduled_maintenances)
    renderServices(data.services || [])
    renderIncidents(data.active_incidents, data.recent_incidents)
    byId('checked').textContent = 'Last checked ' + new Date(data.checked_at).toLocaleTimeString()
    document.body.setAttribute('data-loaded', 'true')
  }

  function load() {
    fetch('/api/status', { headers: { accept: 'application/json' }, cache: 'no-store' })
      .then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status)
        return r.json()
      })
      .then(function (data) {
        byId('error').hidden = true
        render(data)
      })
      .catch(function () {
        byId('error').hidden = false
      })
  }

  document.addEventListener('DOMContentLoaded', function () {
    load()
    setInterval(load, REFRESH_MS)
  })
})()
