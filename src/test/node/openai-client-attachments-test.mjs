// Sends files to Switchboard's OpenAI-compatible API with the official `openai` npm client, as
// its users would: an image as a base64 data: URL and a document as a `file` part, then the
// parts the server must refuse (a `file_id`, base64 that is not). Run by
// OpenAiClientAttachmentsProcessIT against a gateway process with the OpenAI backend:
//   BASE_URL=http://127.0.0.1:PORT API_KEY=... IMAGE=/path/to.png NOTES=/path/to.txt \
//     node src/test/node/openai-client-attachments-test.mjs
// Prints one JSON line with what it saw; exits 1 with "FAIL: ..." on stderr when a check fails.
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';

const { BASE_URL: base, API_KEY: key, IMAGE: imagePath, NOTES: notesPath } = process.env;
if (!base || !key || !imagePath || !notesPath) {
  console.error('FAIL: set BASE_URL, API_KEY, IMAGE and NOTES');
  process.exit(1);
}

function check(ok, what) {
  if (!ok) throw new Error(what);
}

async function main() {
  const seen = {};
  const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: key, maxRetries: 0, timeout: 60_000 });
  const image = readFileSync(imagePath).toString('base64');
  const notes = readFileSync(notesPath).toString('base64');

  const whole = await client.chat.completions.create({
    model: 'switchboard',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this picture and these notes?' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${image}`, detail: 'low' } },
          { type: 'file', file: { filename: 'notes.txt', file_data: `data:text/plain;base64,${notes}` } },
        ],
      },
    ],
  });
  seen.answer = whole.choices[0].message.content;
  check(whole.object === 'chat.completion', `object: ${whole.object}`);

  try {
    await client.chat.completions.create({
      model: 'switchboard',
      messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-abc123' } }] }],
    });
    check(false, 'a file_id was accepted');
  } catch (e) {
    check(e instanceof OpenAI.BadRequestError, `file_id: ${e}`);
    seen.fileIdStatus = e.status;
    seen.fileIdParam = e.param;
    seen.fileIdMessage = e.error?.message ?? e.message;
  }

  try {
    await client.chat.completions.create({
      model: 'switchboard',
      messages: [
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,not base64!' } }] },
      ],
    });
    check(false, 'bad base64 was accepted');
  } catch (e) {
    check(e instanceof OpenAI.BadRequestError, `bad base64: ${e}`);
    seen.badBase64Status = e.status;
    seen.badBase64Param = e.param;
  }

  console.log(JSON.stringify(seen));
}

main().catch((e) => {
  console.error(`FAIL: ${e.message ?? e}`);
  process.exit(1);
});
