"""Parses Prometheus text exposition from stdin with the official Python client's parser
(Debian's python3-prometheus-client), which rejects any line that breaks the format, and
prints the metric families as JSON for the Java test to check:
{"families": {name: {"type": ..., "samples": [{"name", "labels", "value"}]}}}.
Exits 1 with the parser's error on stderr when the text does not parse."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    text = sys.stdin.read()
    families = {}
    try:
        for family in text_string_to_metric_families(text):
            families[family.name] = {
                "type": family.type,
                "samples": [
                    {"name": s.name, "labels": dict(s.labels), "value": s.value}
                    for s in family.samples
                ],
            }
    except Exception as e:  # the parser raises ValueError and friends on bad lines
        print(f"not Prometheus text format: {e}", file=sys.stderr)
        sys.exit(1)
    json.dump({"families": families}, sys.stdout)


if __name__ == "__main__":
    main()
