// Drives Switchboard's OpenAI-compatible API with the official `openai` npm client (a client
// nobody here wrote). Run by
// OpenAiClientProcessIT against a real gateway process with the echo agent:
//   BASE_URL=http://127.0.0.1:PORT API_KEY=... node src/test/node/openai-client-test.mjs
// Prints one JSON line with what it saw; exits 1 with "FAIL: ..." on stderr when a check fails.
import OpenAI from 'openai';

const base = process.env.BASE_URL;
const key = process.env.API_KEY;
if (!base || !key) {
  console.error('FAIL: set BASE_URL and API_KEY');
  process.exit(1);
}

function check(ok, what) {
  if (!ok) throw new Error(what);
}

async function main() {
  const seen = {};
  const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: key, maxRetries: 0, timeout: 30_000 });

  const models = await client.models.list();
  seen.models = models.data.map((m) => m.id);
  check(seen.models.includes('switchboard'), `models: ${JSON.stringify(seen.models)}`);

  const text = 'hello from the official openai client';
  const whole = await client.chat.completions.create({
    model: 'switchboard',
    messages: [{ role: 'user', content: text }],
  });
  seen.completion = whole.choices[0].message.content;
  seen.completionObject = whole.object;
  check(whole.object === 'chat.completion', `object: ${whole.object}`);
  check(whole.choices[0].finish_reason === 'stop', `finish_reason: ${whole.choices[0].finish_reason}`);
  check(seen.completion === text, `completion: ${seen.completion}`);

  const streamed = 'one two three four five six';
  const stream = await client.chat.completions.create({
    model: 'switchboard',
    messages: [{ role: 'user', content: streamed }],
    stream: true,
  });
  let joined = '';
  let chunks = 0;
  let finish = null;
  for await (const chunk of stream) {
    chunks += 1;
    check(chunk.object === 'chat.completion.chunk', `chunk object: ${chunk.object}`);
    joined += chunk.choices[0]?.delta?.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  seen.streamed = joined;
  seen.chunks = chunks;
  check(joined === streamed, `streamed: ${JSON.stringify(joined)}`);
  check(finish === 'stop', `stream finish_reason: ${finish}`);
  // role chunk + one per word at least + the finishing chunk
  check(chunks >= 4, `only ${chunks} chunk(s): the answer did not stream`);

  const wrong = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'sk-not-the-key', maxRetries: 0 });
  try {
    await wrong.chat.completions.create({ model: 'switchboard', messages: [{ role: 'user', content: 'x' }] });
    check(false, 'a wrong key was accepted');
  } catch (e) {
    check(e instanceof OpenAI.AuthenticationError, `wrong key: ${e}`);
    seen.wrongKeyStatus = e.status;
    seen.wrongKeyCode = e.code;
  }
  check(seen.wrongKeyStatus === 401, `wrong key status ${seen.wrongKeyStatus}`);

  console.log(JSON.stringify(seen));
}

main().catch((e) => {
  console.error(`FAIL: ${e.message ?? e}`);
  process.exit(1);
});
