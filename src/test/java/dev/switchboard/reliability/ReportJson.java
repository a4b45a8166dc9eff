package dev.switchboard.reliability;

import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** What every reliability program's JSON report starts with: which run, when, where. */
final class ReportJson {
  private ReportJson() {}

  static ObjectNode header(
      String program, String label, String startedAt, double seconds, Map<String, String> machine) {
    ObjectNode root = JsonMapper.builder().build().createObjectNode();
    root.put("program", program);
    root.put("label", label);
    root.put("started_at", startedAt);
    root.put("seconds", Math.round(seconds));
    ObjectNode m = root.putObject("machine");
    machine.forEach(m::put);
    return root;
  }
}
