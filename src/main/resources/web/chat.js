// Chatbus in a browser: the JSON-lines protocol over the server's WebSocket (/ws), one message per frame.
// docs/web.md says how it works; docs/protocol.md is the protocol. Plain JavaScript, no build step.
'use strict';

(() => {
  const $ = id => document.getElementById(id);
  const PING_EVERY_MS = 60_000;
  const RETRY_FIRST_MS = 1_000;
  const RETRY_MOST_MS = 30_000;
  const CATCH_UP_LIMIT = 1000;
  const EARLIER_LIMIT = 50;
  const KEEP_LINES = 2000;
  const ROOM_EVENTS = new Set(['message', 'join', 'leave', 'rename', 'mode', 'kick', 'topic_set']);

  const state = {
    ws: null,
    name: '',
    password: '',
    online: false,
    // Whether the user wants to be connected: false after quitting, being killed or banned.
    wanted: false,
    retries: 0,
    retryTimer: 0,
    retryAt: 0,
    pingTimer: 0,
    nextRef: 1,
    // What each request was for, by ref: {kind, room}.
    pending: new Map(),
    // Rooms and private conversations by key ('#room' or '@name'), in the order they were opened.
    convs: new Map(),
    active: null,
    // Whether the next welcome is a reconnection (rooms are joined again and caught up).
    rejoin: false,
    // How many times the page has logged in: a line sent before the last time was sent on a lost connection.
    logins: 0,
  };

  // ----- conversations: a room or a private conversation, and what it shows

  function conv(key) {
    let c = state.convs.get(key);
    if (!c) {
      c = {
        key, private: key.startsWith('@'), lines: [], ids: new Set(), lastSeq: null, firstSeq: null,
        joined: false, catchingUp: false, held: [], unread: 0, topic: null, members: [], count: 0,
        operators: new Set(), voiced: new Set(), noEarlier: false, loadingEarlier: false,
      };
      state.convs.set(key, c);
      renderRooms();
    }
    return c;
  }

  const roomKey = room => '#' + room.replace(/^#/, '').toLowerCase();
  const roomName = key => key.slice(1);

  function addLine(c, line, {prepend = false, count = true} = {}) {
    if (line.id && c.ids.has(line.id)) {
      return;
    }
    if (line.id) {
      c.ids.add(line.id);
    }
    if (typeof line.seq === 'number' && line.seq >= 0) {
      c.lastSeq = c.lastSeq === null ? line.seq : Math.max(c.lastSeq, line.seq);
      c.firstSeq = c.firstSeq === null ? line.seq : Math.min(c.firstSeq, line.seq);
    }
    if (prepend) {
      c.lines.unshift(line);
    } else {
      c.lines.push(line);
      if (c.lines.length > KEEP_LINES) {
        // The oldest go; scrolling up loads them again.
        c.lines.splice(0, c.lines.length - KEEP_LINES);
        c.noEarlier = false;
        const seqs = c.lines.filter(l => typeof l.seq === 'number' && l.seq >= 0).map(l => l.seq);
        c.firstSeq = seqs.length ? Math.min(...seqs) : null;
      }
    }
    if (c === state.active) {
      // Older lines are drawn by the caller, once it has them all (see earlier()).
      if (!prepend) {
        appendLineEl(line);
      }
    } else if (count && (line.type === 'message' || line.type === 'private')) {
      c.unread++;
      renderRooms();
    }
  }

  function system(c, text, kind = 'info') {
    addLine(c || state.active || conv('#lobby'), {type: 'system', kind, text, ts: Date.now()}, {count: false});
  }

  // ----- the connection

  function connect() {
    clearTimeout(state.retryTimer);
    state.retryTimer = 0;
    if (state.ws) {
      return;
    }
    setStatus('connecting');
    const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
    state.ws = ws;
    ws.onopen = () => {
      const hello = {op: 'hello', name: state.name};
      if (state.password) {
        hello.password = state.password;
      }
      send(hello, {kind: 'hello'});
    };
    ws.onmessage = e => {
      let ev;
      try {
        ev = JSON.parse(e.data);
      } catch (err) {
        return;
      }
      handle(ev);
    };
    ws.onclose = e => {
      if (state.ws !== ws) {
        return;
      }
      state.ws = null;
      const wasOnline = state.online;
      state.online = false;
      clearInterval(state.pingTimer);
      state.pending.clear();
      for (const c of state.convs.values()) {
        c.joined = false;
        c.catchingUp = false;
        c.loadingEarlier = false;
      }
      if (wasOnline) {
        system(null, 'Connection lost' + (e.reason ? ': ' + e.reason : '') + '.', 'error');
        state.rejoin = true;
      }
      if (state.wanted) {
        retryLater();
      } else {
        setStatus('offline');
      }
    };
  }

  function retryLater() {
    const wait = Math.min(RETRY_MOST_MS, RETRY_FIRST_MS * 2 ** state.retries) * (0.75 + Math.random() / 2);
    state.retries++;
    state.retryAt = Date.now() + wait;
    state.retryTimer = setTimeout(connect, wait);
    setStatus('reconnecting');
  }

  function send(op, purpose) {
    if (!state.ws || state.ws.readyState !== WebSocket.OPEN) {
      return false;
    }
    if (purpose) {
      op.ref = state.nextRef++;
      state.pending.set(op.ref, purpose);
    }
    const frame = JSON.stringify(op);
    if (purpose) {
      purpose.size = frame.length;
    }
    state.ws.send(frame);
    return true;
  }

  function setStatus(s) {
    const el = $('status');
    el.dataset.state = s;
    el.textContent = s;
    const banner = $('banner');
    if (s === 'reconnecting' || s === 'connecting' && state.rejoin) {
      banner.hidden = false;
      tickBanner();
    } else if (s === 'offline' && state.rejoin) {
      banner.hidden = false;
      $('banner-text').textContent = 'Disconnected.';
    } else {
      banner.hidden = true;
    }
  }

  function tickBanner() {
    const el = $('status');
    if (el.dataset.state === 'reconnecting') {
      const s = Math.max(0, Math.ceil((state.retryAt - Date.now()) / 1000));
      $('banner-text').textContent = 'Connection lost. Reconnecting in ' + s + ' s…';
      setTimeout(tickBanner, 250);
    } else if (el.dataset.state === 'connecting') {
      $('banner-text').textContent = 'Connection lost. Reconnecting…';
    }
  }

  // ----- what the server sends

  function handle(ev) {
    const purpose = ev.ref !== undefined ? state.pending.get(ev.ref) : undefined;
    if (purpose) {
      state.pending.delete(ev.ref);
    }
    switch (ev.type) {
      case 'welcome': return welcome(ev);
      case 'joined': return joined(ev);
      case 'left': return left(ev);
      case 'history': return history(ev, purpose);
      case 'ack': return acked(ev, purpose);
      case 'who': return who(ev);
      case 'topic': return topicAnswer(ev);
      case 'renamed': return renamed(ev);
      case 'private': return privately(ev);
      case 'error': return failed(ev, purpose);
      case 'bye': return bye(ev);
      case 'dropped':
        return system(null, ev.count + ' messages were dropped because this page was not reading fast enough.', 'error');
      case 'invite': return system(null, ev.from + ' invites you into #' + ev.room + ' (/join ' + ev.room + ')');
      case 'whois': return whois(ev);
      case 'rooms': return system(null, 'Rooms: ' + ev.rooms.map(r => '#' + r.name + ' (' + r.members + ')').join(', '));
      case 'pong': return;
      default:
        if (ROOM_EVENTS.has(ev.type)) {
          return roomEvent(ev);
        }
    }
  }

  function welcome(ev) {
    state.logins++;
    state.name = ev.name;
    state.online = true;
    state.retries = 0;
    $('me').textContent = ev.name;
    $('login').hidden = true;
    $('chat').hidden = false;
    setStatus('online');
    clearInterval(state.pingTimer);
    state.pingTimer = setInterval(() => send({op: 'ping'}), PING_EVERY_MS);
    if (state.rejoin) {
      system(null, 'Reconnected to ' + ev.node + '.');
      // The lobby is joined by the server; every other room we were in is joined again.
      for (const c of state.convs.values()) {
        if (!c.private && c.key !== '#lobby' && c.wasIn !== false) {
          send({op: 'join', room: roomName(c.key)}, {kind: 'join', room: c.key});
        }
      }
    }
    state.rejoin = false;
  }

  function joined(ev) {
    const c = conv(roomKey(ev.room));
    const firstTime = c.lastSeq === null && c.lines.length === 0;
    c.joined = true;
    c.wasIn = true;
    c.count = ev.count;
    c.members = ev.members || [];
    c.operators = new Set(ev.operators || []);
    c.voiced = new Set(ev.voiced || []);
    c.topic = ev.topic || null;
    if (!firstTime && c.lastSeq !== null && ev.seq > c.lastSeq) {
      // Back after a disconnection: what happened meanwhile comes first, then what is live now.
      c.catchingUp = true;
      send({op: 'history', room: ev.room, afterSeq: c.lastSeq, limit: CATCH_UP_LIMIT}, {kind: 'catchUp', room: c.key});
    } else if (!firstTime && c.lastSeq !== null && ev.seq >= 0 && ev.seq < c.lastSeq) {
      // The room went on from an earlier number than we saw: its server stopped without storing the last
      // of what it had sent. Those are gone; what came since is among its last events (known ids are skipped).
      c.catchingUp = true;
      c.lastSeq = null;
      addLine(c, {type: 'gap', text: 'The server restarted after a failure: messages from just before it may be lost.'},
        {count: false});
      send({op: 'history', room: ev.room, beforeSeq: ev.seq + 1, limit: EARLIER_LIMIT}, {kind: 'catchUp', room: c.key});
    }
    if (!state.active) {
      activate(c);
    } else {
      renderRooms();
      if (c === state.active) {
        renderRoomInfo();
      }
    }
  }

  function left(ev) {
    const c = state.convs.get(roomKey(ev.room));
    if (!c) {
      return;
    }
    c.joined = false;
    c.wasIn = false;
    state.convs.delete(c.key);
    if (state.active === c) {
      state.active = null;
      const next = state.convs.values().next().value;
      if (next) {
        activate(next);
      } else {
        renderLines();
      }
    }
    renderRooms();
  }

  function history(ev, purpose) {
    const c = conv(roomKey(ev.room));
    const events = ev.messages || [];
    if (purpose && purpose.kind === 'earlier') {
      c.loadingEarlier = false;
      if (events.length === 0) {
        c.noEarlier = true;
      }
      // Oldest first: prepended newest first, so they end in order.
      for (let i = events.length - 1; i >= 0; i--) {
        addLine(c, events[i], {prepend: true, count: false});
      }
      if (ev.complete === false && events.length > 0) {
        addLine(c, gap(), {prepend: true, count: false});
      }
      if (c === state.active) {
        renderLines(true);
      }
      return;
    }
    if (purpose && purpose.kind === 'catchUp') {
      if (ev.complete === false) {
        addLine(c, gap(), {count: false});
      }
      for (const e of events) {
        addOwnOrLine(c, e);
      }
      if (ev.more && ev.more.afterSeq !== undefined) {
        send({op: 'history', room: ev.room, afterSeq: ev.more.afterSeq, limit: ev.more.limit || CATCH_UP_LIMIT},
          {kind: 'catchUp', room: c.key});
        return;
      }
      c.catchingUp = false;
      unsentAfterCatchUp(c);
      const held = c.held;
      c.held = [];
      for (const e of held) {
        roomEvent(e);
      }
      return;
    }
    // The room's last messages, sent on joining: shown unless a catch-up will bring them in order.
    if (!c.catchingUp) {
      for (const e of events) {
        addLine(c, e, {count: false});
      }
    }
  }

  function gap() {
    return {type: 'gap', text: 'Some messages here are no longer on the server.'};
  }

  // A message of ours that came back in a catch-up is the one we had shown as sending.
  function addOwnOrLine(c, e) {
    if (e.type === 'message' && e.from === state.name) {
      const mine = c.lines.find(l => l.sending && l.text === e.text);
      if (mine) {
        Object.assign(mine, {sending: false, id: e.id, seq: e.seq, ts: e.ts});
        c.ids.add(e.id);
        if (c === state.active) {
          renderLines();
        }
        return;
      }
    }
    addLine(c, e);
  }

  function unsentAfterCatchUp(c) {
    let changed = false;
    for (const l of c.lines) {
      if (l.sending && l.login < state.logins) {
        l.sending = false;
        l.failed = 'not sent: the connection was lost before the server took it';
        changed = true;
      }
    }
    if (changed && c === state.active) {
      renderLines();
    }
  }

  function acked(ev, purpose) {
    if (!purpose || purpose.kind !== 'say') {
      return;
    }
    const c = state.convs.get(purpose.conv);
    const line = purpose.line;
    line.sending = false;
    line.id = ev.id;
    if (typeof ev.seq === 'number') {
      line.seq = ev.seq;
    }
    line.ts = ev.ts;
    if (c) {
      c.ids.add(ev.id);
      if (typeof ev.seq === 'number') {
        c.lastSeq = c.lastSeq === null ? ev.seq : Math.max(c.lastSeq, ev.seq);
      }
      if (c === state.active) {
        renderLines();
      }
    }
  }

  function roomEvent(ev) {
    const c = conv(roomKey(ev.room));
    if (c.catchingUp) {
      c.held.push(ev);
      return;
    }
    switch (ev.type) {
      case 'join':
        if (!c.members.includes(ev.name)) {
          c.members.push(ev.name);
        }
        c.count++;
        break;
      case 'leave':
      case 'kick':
        c.members = c.members.filter(m => m !== ev.name);
        c.count = Math.max(0, c.count - 1);
        if (ev.type === 'kick' && ev.name === state.name) {
          c.joined = false;
          c.wasIn = false;
        }
        break;
      case 'rename':
        c.members = c.members.map(m => m === ev.from ? ev.to : m);
        break;
      case 'topic_set':
        c.topic = ev.text ? {text: ev.text, by: ev.from, ts: ev.ts} : null;
        break;
      case 'mode':
        if (ev.mode === '+o') c.operators.add(ev.name);
        if (ev.mode === '-o') c.operators.delete(ev.name);
        if (ev.mode === '+v') c.voiced.add(ev.name);
        if (ev.mode === '-v') c.voiced.delete(ev.name);
        break;
    }
    addLine(c, ev);
    if (c === state.active && ev.type !== 'message') {
      renderRoomInfo();
    }
  }

  function who(ev) {
    const c = conv(roomKey(ev.room));
    c.members = ev.members || [];
    c.count = ev.count;
    c.operators = new Set(ev.operators || []);
    c.voiced = new Set(ev.voiced || []);
    if (c === state.active) {
      renderRoomInfo();
    }
  }

  function topicAnswer(ev) {
    const c = conv(roomKey(ev.room));
    c.topic = ev.topic || null;
    if (c === state.active) {
      renderRoomInfo();
    }
  }

  function renamed(ev) {
    state.name = ev.name;
    $('me').textContent = ev.name;
    system(null, 'You are now known as ' + ev.name + '.');
  }

  function privately(ev) {
    addLine(conv('@' + ev.from), {...ev, type: 'private'});
  }

  function whois(ev) {
    for (const p of ev.people || []) {
      system(null, p.name + ' (' + (p.user || '') + '@' + (p.node || '') + ')' + (p.realname ? ': ' + p.realname : '')
        + (p.rooms && p.rooms.length ? '; in ' + p.rooms.map(r => '#' + r).join(', ') : '')
        + (p.account ? '; identified as ' + p.account : '') + (p.away ? '; away: ' + p.away : ''));
    }
  }

  function failed(ev, purpose) {
    if (!purpose && ev.code === 'too_long') {
      // A message over the server's limit is dropped unread, so its error cannot name it: it is the longest
      // of those not yet answered.
      let longest = null;
      for (const [ref, p] of state.pending) {
        if (p.kind === 'say' && (!longest || p.size > longest[1].size)) {
          longest = [ref, p];
        }
      }
      if (longest) {
        state.pending.delete(longest[0]);
        purpose = longest[1];
      }
    }
    if (purpose && purpose.kind === 'hello') {
      if (ev.code === 'password_required' || ev.code === 'wrong_password') {
        $('password-row').hidden = false;
        $('password').focus();
      }
      if (state.rejoin && ev.code === 'name_taken') {
        // Our last session may not be gone yet: try again shortly, as a reconnection.
        state.ws.close();
        return;
      }
      state.wanted = false;
      state.rejoin = false;
      showLogin(ev.message);
      state.ws.close();
      return;
    }
    if (purpose && purpose.kind === 'say' && purpose.line) {
      purpose.line.sending = false;
      purpose.line.failed = ev.message;
      if (state.convs.get(purpose.conv) === state.active) {
        renderLines();
      }
      return;
    }
    if (purpose && purpose.kind === 'catchUp') {
      const c = state.convs.get(purpose.room);
      if (c) {
        c.catchingUp = false;
        addLine(c, gap(), {count: false});
        const held = c.held;
        c.held = [];
        held.forEach(roomEvent);
      }
    }
    if (purpose && purpose.kind === 'earlier') {
      const c = state.convs.get(purpose.room);
      if (c) {
        c.loadingEarlier = false;
      }
    }
    if (purpose && purpose.kind === 'join') {
      const c = state.convs.get(purpose.room);
      if (c && !c.joined && c.lines.length === 0) {
        state.convs.delete(c.key);
        renderRooms();
      }
    }
    system(purpose && purpose.room && state.convs.get(purpose.room) || null, ev.message, 'error');
  }

  function bye(ev) {
    // These mean the server does not want this client back as it is.
    if (['quit', 'killed', 'banned', 'token_expired'].includes(ev.reason)) {
      state.wanted = false;
    }
    system(null, 'The server closed the connection: ' + ev.message, 'error');
  }

  // ----- what the user does

  function login(e) {
    e.preventDefault();
    state.name = $('name').value.trim();
    state.password = $('password').value;
    if (!state.name) {
      return;
    }
    $('login-error').textContent = '';
    state.wanted = true;
    state.rejoin = false;
    state.retries = 0;
    connect();
  }

  function showLogin(message) {
    $('chat').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    setStatus('offline');
  }

  function say(e) {
    e.preventDefault();
    const input = $('input');
    const text = input.value;
    if (!text.trim()) {
      return;
    }
    if (text.startsWith('/') && !text.startsWith('//')) {
      if (command(text)) {
        input.value = '';
      }
      return;
    }
    const c = state.active;
    if (!c || !state.online) {
      system(c, 'Not connected: the message was not sent.', 'error');
      return;
    }
    input.value = '';
    sendText(c, text.startsWith('//') ? text.slice(1) : text, false);
  }

  function sendText(c, text, action) {
    const line = {
      type: c.private ? 'private' : 'message', from: state.name, text, ts: Date.now(), sending: true, mine: true,
      login: state.logins,
    };
    if (action) {
      line.action = true;
    }
    const op = c.private ? {op: 'msg', to: roomName(c.key), text} : {op: 'say', room: roomName(c.key), text};
    if (action) {
      op.action = true;
    }
    if (send(op, {kind: 'say', conv: c.key, line})) {
      c.lines.push(line);
      appendLineEl(line);
    }
  }

  const HELP = [
    '/join ROOM, /leave [REASON], /nick NAME, /msg NAME TEXT, /me TEXT, /topic [TEXT],',
    '/who, /whois NAME, /rooms, /away [REASON], /identify PASSWORD, /register PASSWORD, /quit',
  ];

  // A command typed in the input; false if it should stay there to be fixed.
  function command(text) {
    const [, name, rest = ''] = text.match(/^\/(\S+)\s*(.*)$/s) || [];
    const arg = rest.trim();
    const c = state.active;
    const room = c && !c.private ? roomName(c.key) : null;
    switch ((name || '').toLowerCase()) {
      case 'join':
        return join(arg);
      case 'leave':
      case 'part':
        if (c && c.private) {
          state.convs.delete(c.key);
          state.active = null;
          activate(state.convs.values().next().value || conv('#lobby'));
          return true;
        }
        return room !== null && send({op: 'leave', room, ...(arg ? {reason: arg} : {})}, {kind: 'leave', room: c.key});
      case 'nick':
        return send({op: 'nick', name: arg}, {kind: 'nick'});
      case 'msg':
      case 'tell': {
        const [, to, body] = arg.match(/^(\S+)\s+(.+)$/s) || [];
        if (!to) {
          system(c, 'usage: /msg NAME TEXT', 'error');
          return false;
        }
        const pc = conv('@' + to);
        activate(pc);
        sendText(pc, body, false);
        return true;
      }
      case 'me':
        if (c && arg) {
          sendText(c, arg, true);
          return true;
        }
        return false;
      case 'topic':
        return room !== null && send(arg ? {op: 'topic', room, topic: arg} : {op: 'topic', room}, {kind: 'topic'});
      case 'who':
        return room !== null && send({op: 'who', room}, {kind: 'who'});
      case 'whois':
        return send({op: 'whois', name: arg}, {kind: 'whois'});
      case 'rooms':
      case 'list':
        return send({op: 'rooms'}, {kind: 'rooms'});
      case 'away':
        return send(arg ? {op: 'away', reason: arg} : {op: 'away'}, {kind: 'away'});
      case 'identify':
        return send({op: 'identify', password: arg}, {kind: 'identify'});
      case 'register':
        return send({op: 'register', password: arg}, {kind: 'register'});
      case 'quit':
        state.wanted = false;
        return send({op: 'quit', ...(arg ? {reason: arg} : {})});
      case 'help':
        HELP.forEach(h => system(c, h));
        return true;
      default:
        system(c, 'unknown command /' + name + '; /help lists the commands', 'error');
        return false;
    }
  }

  function join(target) {
    const t = target.trim();
    if (!t) {
      return false;
    }
    if (t.startsWith('@')) {
      activate(conv('@' + t.slice(1)));
      return true;
    }
    const key = roomKey(t);
    const existing = state.convs.get(key);
    if (existing && existing.joined) {
      activate(existing);
      return true;
    }
    const c = conv(key);
    activate(c);
    return send({op: 'join', room: roomName(key)}, {kind: 'join', room: key});
  }

  function activate(c) {
    if (!c) {
      return;
    }
    state.active = c;
    c.unread = 0;
    renderRooms();
    renderLines();
    renderRoomInfo();
    closePanes();
  }

  function earlier() {
    const c = state.active;
    if (!c || c.private || c.noEarlier || c.loadingEarlier || c.firstSeq === null || !state.online) {
      return;
    }
    c.loadingEarlier = true;
    send({op: 'history', room: roomName(c.key), beforeSeq: c.firstSeq, limit: EARLIER_LIMIT},
      {kind: 'earlier', room: c.key});
  }

  // ----- drawing

  function renderRooms() {
    const ul = $('rooms');
    ul.replaceChildren();
    for (const c of state.convs.values()) {
      const li = document.createElement('li');
      li.dataset.room = c.key;
      li.className = (c === state.active ? 'active' : '') + (c.private ? ' private' : '');
      const name = document.createElement('span');
      name.textContent = c.key;
      li.append(name);
      if (c.unread > 0) {
        const badge = document.createElement('span');
        badge.className = 'unread';
        badge.textContent = String(c.unread);
        li.append(badge);
      }
      li.onclick = () => activate(c);
      ul.append(li);
    }
    const total = [...state.convs.values()].reduce((n, c) => n + c.unread, 0);
    document.title = (total > 0 ? '(' + total + ') ' : '') + 'Chatbus';
  }

  function renderRoomInfo() {
    const c = state.active;
    $('title').textContent = c ? c.key : '';
    const topic = $('topic');
    topic.textContent = c && c.topic ? c.topic.text : '';
    topic.hidden = !(c && c.topic);
    const ul = $('members');
    ul.replaceChildren();
    if (!c || c.private) {
      $('members-title').textContent = c ? 'Private conversation' : 'Members';
      return;
    }
    $('members-title').textContent = c.count + (c.count === 1 ? ' member' : ' members');
    // Operators first, then those voiced, then the rest, each by name, as IRC clients list them.
    const rank = m => c.operators.has(m) ? 0 : c.voiced.has(m) ? 1 : 2;
    for (const m of [...c.members].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))) {
      const li = document.createElement('li');
      li.textContent = (c.operators.has(m) ? '@' : c.voiced.has(m) ? '+' : '') + m;
      li.title = 'Talk to ' + m + ' privately';
      li.onclick = () => m !== state.name && activate(conv('@' + m));
      ul.append(li);
    }
  }

  function renderLines(keepPosition) {
    const box = $('messages');
    const before = box.scrollHeight - box.scrollTop;
    const ol = $('lines');
    ol.replaceChildren(...(state.active ? state.active.lines.map(lineEl) : []));
    const c = state.active;
    $('earlier').hidden = !c || c.private || c.noEarlier || c.firstSeq === null || c.firstSeq <= 1;
    box.scrollTop = keepPosition ? box.scrollHeight - before : box.scrollHeight;
  }

  function appendLineEl(line) {
    const box = $('messages');
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    $('lines').append(lineEl(line));
    if (atBottom || line.mine) {
      box.scrollTop = box.scrollHeight;
    }
  }

  function lineEl(l) {
    const li = document.createElement('li');
    li.className = 'line ' + l.type + (l.sending ? ' sending' : '') + (l.failed ? ' failed' : '')
      + (l.kind ? ' ' + l.kind : '') + (l.action ? ' action' : '');
    if (typeof l.seq === 'number') {
      li.dataset.seq = String(l.seq);
    }
    if (l.ts) {
      const time = document.createElement('time');
      const d = new Date(l.ts);
      time.dateTime = d.toISOString();
      time.textContent = d.toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'});
      li.append(time);
    }
    const text = document.createElement('span');
    text.className = 'text';
    switch (l.type) {
      case 'message':
      case 'private': {
        const from = document.createElement('b');
        from.className = 'from';
        from.textContent = l.action ? '* ' + l.from : l.from;
        text.append(from, ' ', l.text);
        break;
      }
      case 'join': text.textContent = l.name + ' joined'; break;
      case 'leave': text.textContent = l.name + ' left' + (l.reason ? ' (' + l.reason + ')' : ''); break;
      case 'kick': text.textContent = l.from + ' put ' + l.name + ' out' + (l.reason ? ' (' + l.reason + ')' : ''); break;
      case 'rename': text.textContent = l.from + ' is now known as ' + l.to; break;
      case 'topic_set': text.textContent = l.from + (l.text ? ' set the topic: ' + l.text : ' cleared the topic'); break;
      case 'mode': text.textContent = l.from + ' set ' + l.mode + (l.name ? ' ' + l.name : ''); break;
      default: text.textContent = l.text || '';
    }
    li.append(text);
    if (l.failed) {
      const why = document.createElement('small');
      why.className = 'why';
      why.textContent = ' (' + l.failed + ')';
      li.append(why);
    }
    return li;
  }

  function closePanes() {
    $('chat').classList.remove('show-rooms', 'show-members');
  }

  // ----- wiring

  document.addEventListener('DOMContentLoaded', () => {
    $('login').addEventListener('submit', login);
    $('say').addEventListener('submit', say);
    $('join').addEventListener('submit', e => {
      e.preventDefault();
      if (join($('join-room').value)) {
        $('join-room').value = '';
      }
    });
    $('earlier').addEventListener('click', earlier);
    $('messages').addEventListener('scroll', () => {
      if ($('messages').scrollTop === 0) {
        earlier();
      }
    });
    $('reconnect').addEventListener('click', () => {
      state.wanted = true;
      state.retries = 0;
      connect();
    });
    $('toggle-rooms').addEventListener('click', () => $('chat').classList.toggle('show-rooms'));
    $('toggle-members').addEventListener('click', () => $('chat').classList.toggle('show-members'));
    // A page coming back from the background reconnects at once rather than at its next retry.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && state.wanted && !state.ws) {
        state.retries = 0;
        connect();
      }
    });
    $('name').focus();
  });
})();
