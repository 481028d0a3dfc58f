// A service in Node on Chatbus's SockJS event-bus bridge, with the official client
// (@vertx/eventbus-bridge-client.js). Prints one JSON line per thing it sees, for SockJsBridgeTest.
// Usage: node service.js URL TOKEN
'use strict';
const EventBus = require('@vertx/eventbus-bridge-client.js');

const [url, token] = process.argv.slice(2);
const print = o => process.stdout.write(JSON.stringify(o) + '\n');
const eb = new EventBus(url);
eb.defaultHeaders = {token};
eb.onerror = err => print({error: err});
eb.onclose = () => {
  print({closed: true});
  process.exit(0);
};
eb.onopen = () => {
  print({open: true});
  eb.registerHandler('chat.api.v1.room.lobby', (err, msg) => {
    if (err) {
      print({registerError: err.message});
      return;
    }
    print({event: msg.body});
    if (msg.body.type === 'message' && msg.body.text === 'bye, node') {
      eb.close();
    }
  });
  // Listening where the bridge lets no one.
  eb.registerHandler('chat.internal.anything', err => err && print({registerError: err.message}));
  eb.send('chat.api.v1.rooms', {}, (err, reply) => print(err ? {roomsError: err.message} : {rooms: reply.body}));
  eb.send('chat.api.v1.say', {service: 'nodebot', room: 'lobby', text: 'hello from node'},
    (err, reply) => print(err ? {sayError: err.message} : {said: reply.body}));
  eb.send('chat.internal.anything', {}, err => print({sendError: err && err.message}));
};
