// The chat page each server serves at GET /: post with a form, read with a long-poll loop.
export const CHAT_PAGE = `<!doctype html>
<meta charset="utf-8"><title>Toto-TS chat</title>
<style>body{font:15px system-ui;margin:2em;max-width:40em}#log{border:1px solid #ccc;height:20em;overflow:auto;padding:.5em}</style>
<h1>Toto-TS chat</h1>
<div id="log"></div>
<form id="f"><input id="user" placeholder="name" size="10" required> <input id="text" placeholder="message" size="40"> <button>Send</button></form>
<script>
const log = document.getElementById('log');
document.getElementById('f').onsubmit = async (e) => {
  e.preventDefault();
  await fetch('/message', { method: 'POST', body: JSON.stringify({ user: user.value, text: text.value }) });
  text.value = '';
};
(async () => {
  let since = 0;
  for (;;) {
    try {
      const poll = await (await fetch('/messages?since=' + since)).json();
      for (const m of poll.messages) {
        const line = document.createElement('div');
        line.textContent = m.user + ' (' + m.origin + '): ' + m.text;
        log.append(line);
      }
      since = poll.next;
      log.scrollTop = log.scrollHeight;
    } catch { await new Promise((r) => setTimeout(r, 1000)); }
  }
})();
</script>
`;
