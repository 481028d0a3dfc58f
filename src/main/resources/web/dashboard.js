// The operators' dashboard: every node's figures and the cluster's, from /api/v1/stats (behind the read
// token), drawn as small charts of the last few minutes. docs/web.md says what each figure is.
'use strict';

(() => {
  const $ = id => document.getElementById(id);
  const KEEP = 90;
  const FIGURES = [
    {key: 'connections', name: 'connections', format: n => n.toLocaleString()},
    {key: 'messagesPerSecond', name: 'messages in /s', format: n => n.toFixed(1)},
    {key: 'deliveriesPerSecond', name: 'deliveries /s', format: n => Math.round(n).toLocaleString()},
    {key: 'rooms', name: 'rooms numbered', format: n => n.toLocaleString()},
    // A lag of milliseconds is no lag: the chart's scale starts at a second.
    {key: 'storeLagSeconds', name: 'store lag (s)', format: n => n.toFixed(1), floor: 1},
  ];
  const series = new Map();
  let token = sessionStorage.getItem('chatbus.readToken') || '';
  let timer = 0;

  // One point of a node (or the cluster): its gauges, and its counters' rates since the last point.
  function point(key, t, figures) {
    const points = series.get(key) || [];
    const last = points[points.length - 1];
    if (last && t <= last.t) {
      // The same figures as last time: the node has not published since.
      return;
    }
    // A counter that went down is a node that restarted: no rate from that pair.
    const rate = (now, before) => last ? Math.max(0, (now - before) * 1000 / (t - last.t)) : 0;
    points.push({
      t,
      raw: figures,
      connections: figures.connections,
      rooms: figures.rooms,
      storeLagSeconds: figures.storeLagSeconds || 0,
      messagesPerSecond: last ? rate(figures.messagesIn, last.raw.messagesIn) : 0,
      deliveriesPerSecond: last ? rate(figures.deliveries, last.raw.deliveries) : 0,
    });
    if (points.length > KEEP) {
      points.shift();
    }
    series.set(key, points);
  }

  // The cluster's point: its gauges as the server summed them, its rates the sum of its nodes' (each node's
  // counters are read when it publishes them, so their sum's rate would be read at the wrong times).
  function cluster(stats) {
    const points = series.get('cluster') || [];
    const latest = stats.nodes.map(n => series.get(n.node)).map(p => p[p.length - 1]);
    const sum = key => latest.reduce((total, p) => total + p[key], 0);
    points.push({
      t: stats.at,
      connections: stats.cluster.connections,
      rooms: stats.cluster.rooms,
      storeLagSeconds: stats.cluster.storeLagSeconds || 0,
      messagesPerSecond: sum('messagesPerSecond'),
      deliveriesPerSecond: sum('deliveriesPerSecond'),
    });
    if (points.length > KEEP) {
      points.shift();
    }
    series.set('cluster', points);
  }

  async function poll() {
    clearTimeout(timer);
    let every = 2000;
    try {
      const res = await fetch('/api/v1/stats', {headers: {Authorization: 'Bearer ' + token}});
      if (res.status === 401 || res.status === 403) {
        const body = await res.json().catch(() => ({}));
        showForm(body.message || 'That token is not accepted.');
        return;
      }
      const stats = await res.json();
      every = stats.every || every;
      for (const n of stats.nodes) {
        point(n.node, n.at, n);
      }
      cluster(stats);
      render(stats);
      $('updated').textContent = 'updated ' + new Date(stats.at).toLocaleTimeString();
    } catch (e) {
      $('updated').textContent = 'no answer from the server: ' + e.message;
    }
    timer = setTimeout(poll, every);
  }

  function render(stats) {
    const live = new Set(stats.nodes.map(n => n.node));
    const boards = $('boards');
    boards.replaceChildren(board('cluster', 'whole cluster', stats.cluster.nodes + (stats.cluster.nodes === 1 ? ' node' : ' nodes'), null));
    for (const n of stats.nodes) {
      boards.append(board(n.node, n.node, 'up since ' + new Date(n.startedAt).toLocaleString(), n.byProtocol));
    }
    for (const key of series.keys()) {
      if (key !== 'cluster' && !live.has(key)) {
        const b = board(key, key, 'not heard from', null);
        b.classList.add('down');
        boards.append(b);
      }
    }
  }

  function board(key, title, note, byProtocol) {
    const points = series.get(key) || [];
    const el = document.createElement('section');
    el.className = 'board';
    el.dataset.node = key;
    const h = document.createElement('h2');
    const small = document.createElement('small');
    small.textContent = note;
    h.append(title, small);
    el.append(h);
    for (const f of FIGURES) {
      const row = document.createElement('div');
      row.className = 'figure';
      row.dataset.figure = f.key;
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = f.name;
      const value = document.createElement('span');
      value.className = 'value';
      const last = points[points.length - 1];
      value.textContent = last ? f.format(last[f.key]) : '–';
      row.append(name, chart(points.map(p => p[f.key]), f.floor || 1e-9), value);
      el.append(row);
    }
    if (byProtocol) {
      const p = document.createElement('div');
      p.className = 'protocols';
      p.textContent = Object.entries(byProtocol).filter(([, n]) => n > 0).map(([k, n]) => k + ' ' + n).join(' · ')
        || 'no connections';
      el.append(p);
    }
    return el;
  }

  // A sparkline of the values, oldest left, scaled to their highest (or floor, if that is higher).
  function chart(values, floor) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 100 30');
    svg.setAttribute('preserveAspectRatio', 'none');
    if (values.length < 2) {
      return svg;
    }
    const max = Math.max(...values, floor);
    // Time runs left to right over the points kept, at least a minute's worth.
    const span = Math.max(values.length - 1, 30);
    const pts = values.map((v, i) => [(i * 100 / span).toFixed(2), (29 - v * 28 / max).toFixed(2)]);
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('points', pts.map(p => p.join(',')).join(' '));
    const area = document.createElementNS(ns, 'polygon');
    area.setAttribute('class', 'area');
    area.setAttribute('points', pts.map(p => p.join(',')).join(' ') + ' ' + pts[pts.length - 1][0] + ',30 0,30');
    svg.append(area, line);
    return svg;
  }

  function showForm(error) {
    clearTimeout(timer);
    $('token-form').hidden = false;
    $('boards').hidden = true;
    $('token-error').textContent = error || '';
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('token-form').addEventListener('submit', e => {
      e.preventDefault();
      token = $('token').value;
      sessionStorage.setItem('chatbus.readToken', token);
      $('token-form').hidden = true;
      $('boards').hidden = false;
      poll();
    });
    if (token) {
      $('token-form').hidden = true;
      $('boards').hidden = false;
      poll();
    }
  });
})();
