#!/usr/bin/env python3
"""Writes docs/cli.md, the CLI reference, from the `--help` of every heritage command.

    swift build && python3 Tools/generate-cli-docs.py .build/debug/heritage > docs/cli.md

The commands are found by walking each help's SUBCOMMANDS section, so a new command appears
without editing this script. A test (CLIReferenceTests) runs it and fails when docs/cli.md
differs from what the built binary prints.
"""
import re
import subprocess
import sys


def help_text(binary, path):
    env = {"COLUMNS": "100", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([binary, *path, "--help"], capture_output=True, text=True, env=env, check=True)
    return result.stdout.rstrip() + "\n"


def subcommands(text):
    if "SUBCOMMANDS:" not in text:
        return []
    section = text.split("SUBCOMMANDS:", 1)[1]
    names = []
    for line in section.splitlines():
        match = re.match(r"^  ([a-z][a-z0-9-]*)\s", line)
        if match and match.group(1) != "help":
            names.append(match.group(1))
    return names


def walk(binary, path, out):
    text = help_text(binary, path)
    out.append((path, text))
    for name in subcommands(text):
        walk(binary, path + [name], out)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/heritage"
    commands = []
    walk(binary, [], commands)
    lines = [
        "# CLI reference",
        "",
        "Generated from `--help` by `Tools/generate-cli-docs.py`; do not edit by hand (a test fails",
        "when this page and the binary disagree). Every command also answers `--help` itself.",
        "",
    ]
    for path, _ in commands[1:]:
        anchor = "-".join(["heritage", *path])
        lines.append(f"- [`heritage {' '.join(path)}`](#{anchor})")
    lines.append("")
    for path, text in commands:
        lines.append(f"## heritage {' '.join(path)}".rstrip())
        lines.append("")
        lines.append("```text")
        lines.append(text.rstrip())
        lines.append("```")
        lines.append("")
    sys.stdout.write("\n".join(lines))


if __name__ == "__main__":
    main()
