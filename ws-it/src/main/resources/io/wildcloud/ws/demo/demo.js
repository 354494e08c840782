// The demo page: join (the application authorizes us server-side), connect with SockJS, chat.
// window.demo holds the page's state so that a person (devtools) or a browser test can read it.
(function () {
  'use strict';

  var demo = window.demo = {
    state: 'idle', transport: null, socketId: null, closeCode: null, lines: [], errors: [], sock: null
  };
  var $ = function (id) { return document.getElementById(id); };
  var loadedScript = null;

  // Reconnecting: when a node dies or is redeployed all of its clients lose their connection in
  // the same instant. Each waits a random time, up to a bound that doubles with every failed try
  // ("full jitter"), so that they come back spread over seconds instead of all in the same one;
  // a session that opened resets the bound. Closes that another try cannot cure are final.
  var RETRY_FIRST_MAX_MS = 2000;
  var RETRY_MAX_MS = 60000;
  var FINAL_CLOSE_CODES = [4001, 4002]; // revoked by the application; too many sessions on the socket
  var retry = { attempts: 0, timer: null, leaving: false, transport: null };
  demo.retryInMs = null;

  function retryDelay(attempt) {
    return Math.floor(Math.random() * Math.min(RETRY_MAX_MS, RETRY_FIRST_MAX_MS * Math.pow(2, attempt)));
  }

  function scheduleRetry() {
    var delay = retryDelay(retry.attempts);
    retry.attempts++;
    demo.retryInMs = delay;
    status('disconnected · reconnecting in ' + (delay / 1000).toFixed(1) + ' s', 'closed');
    retry.timer = setTimeout(function () {
      retry.timer = null;
      join(retry.transport);
    }, delay);
  }

  var preset = new URLSearchParams(location.search).get('transport');
  if (preset) { $('transport').value = preset; }

  function loadClient(src) {
    if (!loadedScript) {
      loadedScript = new Promise(function (resolve, reject) {
        var script = document.createElement('script');
        script.src = src;
        script.onload = resolve;
        script.onerror = function () { reject(new Error('could not load ' + src)); };
        document.head.appendChild(script);
      });
    }
    return loadedScript;
  }

  function status(text, css) {
    $('status').textContent = text;
    $('status').className = css || '';
  }

  function logLine(from, text, meta) {
    var item = document.createElement('li');
    if (from === null) {
      item.className = 'system';
      item.textContent = text;
    } else {
      var who = document.createElement('span');
      who.className = 'from';
      who.textContent = from;
      var extra = document.createElement('span');
      extra.className = 'meta';
      extra.textContent = meta || '';
      item.appendChild(who);
      item.appendChild(document.createTextNode(text));
      item.appendChild(extra);
    }
    $('log').appendChild(item);
    $('log').scrollTop = $('log').scrollHeight;
  }

  function connected(open) {
    $('line').disabled = !open;
    $('say').disabled = !open;
    $('leave').disabled = !open;
    $('join').disabled = open;
    $('transport').disabled = open;
  }

  function connect(info, transport) {
    var options = transport === 'auto' ? {} : { transports: [transport] };
    var sock = demo.sock = new SockJS(info.sockjsUrl, null, options);
    demo.state = 'connecting';
    status('connecting to ' + info.sockjsUrl + ' …');
    sock.onopen = function () {
      retry.attempts = 0;
      demo.retryInMs = null;
      demo.state = 'open';
      demo.transport = sock.transport;
      status('connected · transport ' + sock.transport + ' · socket ' + info.socketId, 'open');
      logLine(null, 'connected with ' + sock.transport);
      connected(true);
      $('line').focus();
    };
    sock.onmessage = function (event) {
      var line;
      try { line = JSON.parse(event.data); } catch (e) { line = { from: 'node', text: String(event.data) }; }
      demo.lines.push(line);
      logLine(line.from, line.text, line.session ? 'session ' + line.session.slice(0, 8) : '');
    };
    sock.onclose = function (event) {
      demo.state = 'closed';
      demo.closeCode = event.code;
      status('closed: ' + event.code + ' ' + event.reason, 'closed');
      logLine(null, 'disconnected (' + event.code + ' ' + event.reason + ')');
      connected(false);
      if (!retry.leaving && FINAL_CLOSE_CODES.indexOf(event.code) < 0) {
        $('join').disabled = true;
        scheduleRetry();
      }
    };
  }

  // Joins (the application authorizes this client again: a socket that expired meanwhile is
  // replaced) and connects; a failed join is retried as a lost connection is.
  function join(transport) {
    retry.transport = transport;
    retry.leaving = false;
    $('join').disabled = true;
    fetch('/join', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: $('name').value })
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { throw new Error(body.message || ('join answered ' + response.status)); }
        return body;
      });
    }).then(function (info) {
      demo.socketId = info.socketId;
      return loadClient(info.clientScript).then(function () { connect(info, transport); });
    }).catch(function (error) {
      demo.errors.push(String(error));
      status('error: ' + error.message, 'closed');
      if (retry.attempts > 0) {
        scheduleRetry();
      } else {
        $('join').disabled = false;
      }
    });
  }

  $('join-form').addEventListener('submit', function (event) {
    event.preventDefault();
    join($('transport').value);
  });

  $('say-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var text = $('line').value;
    if (text && demo.sock && demo.state === 'open') {
      demo.sock.send(text);
      $('line').value = '';
    }
  });

  $('leave').addEventListener('click', function () {
    retry.leaving = true;
    if (retry.timer) { clearTimeout(retry.timer); retry.timer = null; }
    if (demo.sock) { demo.sock.close(); }
  });
})();
