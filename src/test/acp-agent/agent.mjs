#!/usr/bin/env node
// A tiny ACP agent for Switchboard's AcpBackend tests, built on the official SDK.
// What it does is driven by the prompt text:
//   echo X        streams X back in several chunks
//   slow N        streams "tick i " every 200 ms, N times; honours session/cancel
//   tool          reports a tool_call and its tool_call_update, then says "tool done"
//   ask           asks for permission (allow_once / reject_once) and says what was chosen
//   ask-always    the same with only allow_always / reject_always options
//   crash         exits the process with code 3
//   blocks        how many text blocks the prompt had, and the first one
//   history       "prompts seen: N" (this session's prompts, this one included)
//   pid           this process's pid
//   cwd           the session's cwd and the process's working directory
//   spawn         starts a long-lived child process and says its pid
//   call-unknown  sends an unknown request to the client and says what came back
//   junk          writes a line that is not JSON, a session/update of an unknown kind, then "ok"
//   refuse, long  end the turn with stopReason refusal, max_tokens
//   probe JSON    tries what an attacker would to find the gateway's secrets (see probe())
//   prompt        the prompt's content blocks, as JSON (also the answer to a prompt without text)
//   read-links    reads the file of each resource_link and resource block: "read URI: TEXT"
//                 or "closed ERRNO URI", one line each
//   read PATH     the same for one file path
//   anything else is echoed in one chunk
// Options: --image and --embedded-context set those prompt capabilities in initialize.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Readable, Writable } from "node:stream";
import * as acp from "@agentclientprotocol/sdk";

const sessions = new Map();
let nextId = 1;
const promptCapabilities = {
  image: process.argv.includes("--image"),
  embeddedContext: process.argv.includes("--embedded-context"),
};

function readFile(what, file) {
  try {
    return `read ${what}: ${fs.readFileSync(file, "utf8")}`;
  } catch (e) {
    return `closed ${e.code} ${what}`;
  }
}

function say(client, sessionId, text) {
  return client.notify(acp.methods.client.session.update, {
    sessionId,
    update: { sessionUpdate: "agent_message_chunk", content: { type: "text", text } },
  });
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

// Tries each way an agent could get at the gateway's secrets and says, one line each, what it
// found: "SECRET <what> <path>" when the text held one of spec.secrets, "clean <what> <path>"
// when it was read and held none, "closed <errno> <what> <path>" when it could not be read. The
// secrets themselves are never repeated. spec: {gateway: pid, stateDir: path, secrets: [...]}.
function probe(spec) {
  const lines = [];
  const judge = (text) => (spec.secrets.some((s) => text.includes(s)) ? "SECRET" : "clean");
  const read = (what, file) => {
    try {
      lines.push(`${judge(fs.readFileSync(file, "latin1"))} ${what} ${file}`);
    } catch (e) {
      lines.push(`closed ${e.code} ${what} ${file}`);
    }
  };
  const open = (what, file) => {
    try {
      fs.closeSync(fs.openSync(file, "r"));
      lines.push(`open ${what} ${file}`);
    } catch (e) {
      lines.push(`closed ${e.code} ${what} ${file}`);
    }
  };
  read("parent-environ", `/proc/${process.ppid}/environ`);
  read("gateway-environ", `/proc/${spec.gateway}/environ`);
  read("gateway-maps", `/proc/${spec.gateway}/maps`);
  open("gateway-mem", `/proc/${spec.gateway}/mem`);
  const files = [".env", "web_token", "switchboard.yaml"];
  read("relative", "../../.env");
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    files.forEach((f) => read("above-cwd", path.join(dir, f)));
    if (path.dirname(dir) === dir) {
      break;
    }
  }
  files.forEach((f) => read("state-dir", path.join(spec.stateDir, f)));
  files.forEach((f) => read("home", path.join(os.homedir(), ".switchboard", f)));
  [".ssh/id_ed25519", ".aws/credentials", ".netrc"]
    .forEach((f) => read("user-secret", path.join(os.homedir(), f)));
  const env = Object.entries(process.env).map(([k, v]) => `${k}=${v}`).join("\n");
  lines.push(`${judge(env)} own-environment -`);
  lines.push(`${fs.existsSync(`/tmp/.java_pid${spec.gateway}`) ? "open" : "closed ENOENT"}`
    + ` attach-socket /tmp/.java_pid${spec.gateway}`);
  try {
    process.kill(spec.gateway, 0);
    lines.push(`open signal ${spec.gateway}`);
  } catch (e) {
    lines.push(`closed ${e.code} signal ${spec.gateway}`);
  }
  return lines.join("\n") + "\nprobe done";
}

async function prompt({ params, client }) {
  const session = sessions.get(params.sessionId);
  if (!session) {
    throw acp.RequestError.resourceNotFound(params.sessionId);
  }
  session.prompts += 1;
  session.abort?.abort();
  const abort = new AbortController();
  session.abort = abort;
  const blocks = params.prompt.filter((b) => b.type === "text").map((b) => b.text);
  if (blocks.length === 0) {
    await say(client, params.sessionId, JSON.stringify(params.prompt));
    return { stopReason: "end_turn" };
  }
  const text = blocks.at(-1) ?? "";
  const [command, ...rest] = text.trim().split(/\s+/);
  const arg = text.trim().slice(command.length).trim();
  const sid = params.sessionId;
  switch (command) {
    case "echo": {
      for (let i = 0; i < arg.length; i += 3) {
        await say(client, sid, arg.slice(i, i + 3));
      }
      break;
    }
    case "slow": {
      const n = Number(rest[0] ?? "10");
      for (let i = 1; i <= n; i++) {
        await sleep(200, abort.signal);
        if (abort.signal.aborted) {
          return { stopReason: "cancelled" };
        }
        await say(client, sid, `tick ${i} `);
      }
      break;
    }
    case "tool": {
      await client.notify(acp.methods.client.session.update, {
        sessionId: sid,
        update: {
          sessionUpdate: "tool_call", toolCallId: "call_1", title: "Read file",
          kind: "read", status: "pending", locations: [{ path: "/src/App.java" }],
        },
      });
      await client.notify(acp.methods.client.session.update, {
        sessionId: sid,
        update: { sessionUpdate: "tool_call_update", toolCallId: "call_1", status: "completed" },
      });
      await say(client, sid, "tool done");
      break;
    }
    case "ask":
    case "ask-always": {
      const always = command === "ask-always";
      const response = await client.request(acp.methods.client.session.requestPermission, {
        sessionId: sid,
        toolCall: {
          toolCallId: "call_2", title: "Run `rm -rf build`", kind: "execute", status: "pending",
          rawInput: { command: "rm -rf build" },
        },
        options: always
          ? [
              { optionId: "yes-forever", name: "Always allow", kind: "allow_always" },
              { optionId: "no-forever", name: "Never allow", kind: "reject_always" },
            ]
          : [
              { optionId: "yes-always", name: "Always allow", kind: "allow_always" },
              { optionId: "yes", name: "Allow", kind: "allow_once" },
              { optionId: "no", name: "Reject", kind: "reject_once" },
            ],
      });
      const outcome = response.outcome;
      if (outcome.outcome === "cancelled") {
        await say(client, sid, "chosen: cancelled");
        return { stopReason: "cancelled" };
      }
      await say(client, sid, `chosen: ${outcome.optionId}`);
      break;
    }
    case "crash":
      await say(client, sid, "crashing");
      process.exit(3);
      break;
    case "blocks":
      await say(client, sid, `blocks: ${blocks.length}; first: ${blocks[0].slice(0, 300)}`);
      break;
    case "history":
      await say(client, sid, `prompts seen: ${session.prompts}`);
      break;
    case "pid":
      await say(client, sid, String(process.pid));
      break;
    case "cwd":
      await say(client, sid, `session ${session.cwd} process ${process.cwd()}`);
      break;
    case "spawn": {
      const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], {
        stdio: "ignore",
      });
      await say(client, sid, String(child.pid));
      break;
    }
    case "call-unknown": {
      try {
        await client.request("_switchboard/unknown", {});
        await say(client, sid, "unexpected success");
      } catch (e) {
        await say(client, sid, `error ${e.code}`);
      }
      break;
    }
    case "junk": {
      process.stdout.write("this is not json\n");
      await client.notify(acp.methods.client.session.update, {
        sessionId: sid, update: { sessionUpdate: "_switchboard_unknown_kind", foo: 1 },
      });
      await client.notify(acp.methods.client.session.update, {
        sessionId: sid, update: { sessionUpdate: "plan", entries: [] },
      });
      await say(client, sid, "ok");
      break;
    }
    case "probe":
      await say(client, sid, probe(JSON.parse(arg)));
      break;
    case "prompt":
      await say(client, sid, JSON.stringify(params.prompt));
      break;
    case "read-links": {
      const uris = params.prompt
        .map((b) => (b.type === "resource_link" ? b.uri : b.resource?.uri))
        .filter((uri) => uri);
      await say(client, sid, uris.map((uri) => readFile(uri, fileURLToPath(uri))).join("\n"));
      break;
    }
    case "read":
      await say(client, sid, readFile(arg, arg));
      break;
    case "refuse":
      return { stopReason: "refusal" };
    case "long":
      await say(client, sid, "partial");
      return { stopReason: "max_tokens" };
    default:
      await say(client, sid, text);
  }
  return { stopReason: abort.signal.aborted ? "cancelled" : "end_turn" };
}

process.stderr.write(`test agent ${process.pid} starting\n`);

acp.agent({ name: "switchboard-test-agent" })
  .onRequest(acp.methods.agent.initialize, ({ params }) => ({
    protocolVersion: acp.PROTOCOL_VERSION,
    agentCapabilities: { loadSession: false, promptCapabilities },
    agentInfo: { name: "switchboard-test-agent", version: "0.0.0" },
    authMethods: [],
    _meta: { clientCapabilities: params.clientCapabilities },
  }))
  .onRequest(acp.methods.agent.session.new, ({ params }) => {
    const sessionId = `s${nextId++}`;
    sessions.set(sessionId, { prompts: 0, cwd: params.cwd, abort: null });
    return { sessionId };
  })
  .onRequest(acp.methods.agent.session.prompt, prompt)
  .onNotification(acp.methods.agent.session.cancel, ({ params }) => {
    sessions.get(params.sessionId)?.abort?.abort();
  })
  .connect(acp.ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin)));
