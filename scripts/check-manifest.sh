#!/usr/bin/env bash
# Checks that Package.swift's dependencies equal the imports: every local module (a target or
# systemLibrary of this package) that a target's Swift files import must be in the target's
# `dependencies`, and every local dependency must be imported by at least one of its files.
# A dependency on an executable target is exempt from the second rule (tests run the built binary;
# Swift cannot import it). Exits 1 and names the target and module on a mismatch, 2 when
# Package.swift holds something this script cannot read (then fix the script, not the manifest).
#
# Usage: scripts/check-manifest.sh [PACKAGE_DIR]   (default: the repository root)
# Only python3's standard library is used; SwiftPM is not run, so this takes well under a second.
set -euo pipefail
package_dir="${1:-$(dirname "$0")/..}"
exec python3 - "$package_dir" <<'PYTHON'
import os
import re
import sys

root = sys.argv[1]
manifest_path = os.path.join(root, "Package.swift")


def fail_parse(message):
    print(f"check-manifest: cannot read {manifest_path}: {message}", file=sys.stderr)
    sys.exit(2)


def strip_swift(text, keep_strings):
    """Returns `text` without comments; string literal contents are kept when `keep_strings`,
    else replaced by nothing (newlines inside them are kept so line starts stay line starts)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    if text[i] == "\n":
                        out.append("\n")
                    i += 1
        elif c == '"' or (c == "#" and re.match(r'#+"', text[i:])):
            hashes = len(re.match(r"#*", text[i:]).group(0))
            i += hashes
            multi = text.startswith('"""', i)
            quote = '"""' if multi else '"'
            i += len(quote)
            close = quote + "#" * hashes
            start = i
            while i < n and not text.startswith(close, i):
                if text[i] == "\\" and hashes == 0:
                    i += 1
                elif text[i] == "\n" and not multi:
                    break
                i += 1
            body = text[start:i]
            i += len(close)
            if keep_strings:
                out.append('"' + body + '"')
            else:
                out.append('""' + "\n" * body.count("\n"))
        else:
            out.append(c)
            i += 1
    return "".join(out)


def split_call(text, open_index):
    """Returns the text between the parenthesis at `open_index` and its match."""
    depth = 0
    for j in range(open_index, len(text)):
        if text[j] in "([":
            depth += 1
        elif text[j] in ")]":
            depth -= 1
            if depth == 0:
                return text[open_index + 1 : j]
    fail_parse("unbalanced brackets")


def argument(call, label):
    """The text of argument `label:` at the top level of a call's argument list, or None."""
    depth = 0
    for m in re.finditer(r"[\(\[\)\]]|\b" + label + r"\s*:", call):
        token = m.group(0)
        if token in "([":
            depth += 1
        elif token in ")]":
            depth -= 1
        elif depth == 0:
            rest = call[m.end() :].lstrip()
            if rest[:1] in "([":
                return rest[0] + split_call(rest, 0) + {"(": ")", "[": "]"}[rest[0]]
            return re.match(r'[^,]*', rest).group(0).strip()
    return None


def string_literal(value, what):
    m = re.fullmatch(r'\s*"([^"]*)"\s*', value or "")
    if not m:
        fail_parse(f"{what} is not a string literal: {value!r}")
    return m.group(1)


def string_list(value, what):
    inner = value.strip()
    if not (inner.startswith("[") and inner.endswith("]")):
        fail_parse(f"{what} is not a list literal: {value!r}")
    return inner[1:-1]


manifest = strip_swift(open(manifest_path, encoding="utf-8").read(), keep_strings=True)
kinds = {
    "target": "Sources",
    "executableTarget": "Sources",
    "testTarget": "Tests",
    "systemLibrary": "Sources",
    "binaryTarget": None,
    "plugin": "Plugins",
    "macro": "Sources",
}
targets = {}
end_of_last_call = 0
for m in re.finditer(r"\.(" + "|".join(kinds) + r")\s*\(", manifest):
    if m.start() < end_of_last_call:
        continue  # `.target(name:)` inside a dependencies list
    kind = m.group(1)
    call = split_call(manifest, m.end() - 1)
    end_of_last_call = m.end() + len(call)
    name = string_literal(argument(call, "name"), f".{kind} name")
    path_arg = argument(call, "path")
    path = string_literal(path_arg, f"path of {name}") if path_arg else f"{kinds[kind]}/{name}"
    deps = []
    deps_arg = argument(call, "dependencies")
    if deps_arg:
        body = string_list(deps_arg, f"dependencies of {name}")
        for item in re.split(r",(?![^()]*\))", body):
            item = item.strip()
            if not item:
                continue
            plain = re.fullmatch(r'"([^"]+)"', item)
            named = re.fullmatch(r'\.(target|byName)\s*\(\s*name\s*:\s*"([^"]+)"[^)]*\)', item)
            if plain:
                deps.append(plain.group(1))
            elif named:
                deps.append(named.group(2))
            elif re.fullmatch(r"\.product\s*\(.*\)", item, re.S):
                continue  # another package's product: not a local module
            else:
                fail_parse(f"dependency of {name} not understood: {item!r}")
    excludes = []
    exclude_arg = argument(call, "exclude")
    if exclude_arg:
        excludes = re.findall(r'"([^"]+)"', string_list(exclude_arg, f"exclude of {name}"))
    if name in targets:
        fail_parse(f"target {name} declared twice")
    targets[name] = {"kind": kind, "path": path, "deps": deps, "exclude": excludes}

if not targets:
    fail_parse("no targets found")

import_line = re.compile(
    r"^[ \t]*(?:@\w+(?:\([^)]*\))?[ \t]+)*(?:(?:public|package|internal|fileprivate|private)[ \t]+)?"
    r"import[ \t]+(?:(?:typealias|struct|class|enum|protocol|let|var|func)[ \t]+)?(\w+)",
    re.M,
)
problems = []
for name, target in sorted(targets.items()):
    if target["kind"] in ("systemLibrary", "binaryTarget"):
        continue
    directory = os.path.join(root, target["path"])
    if not os.path.isdir(directory):
        problems.append(f"{name}: path {target['path']} does not exist")
        continue
    imported = {}
    for dirpath, dirnames, filenames in os.walk(directory):
        relative_dir = os.path.relpath(dirpath, directory)
        dirnames[:] = [d for d in dirnames if os.path.normpath(os.path.join(relative_dir, d)) not in target["exclude"]]
        for filename in sorted(filenames):
            relative = os.path.normpath(os.path.join(relative_dir, filename))
            if not filename.endswith(".swift") or relative in target["exclude"]:
                continue
            path = os.path.join(dirpath, filename)
            source = strip_swift(open(path, encoding="utf-8").read(), keep_strings=False)
            for module in import_line.findall(source):
                if module in targets and module != name:
                    imported.setdefault(module, os.path.relpath(path, root))
    declared = [d for d in target["deps"] if d in targets]
    for module, where in sorted(imported.items()):
        if module not in declared:
            problems.append(f"{name}: imports {module} ({where}) but does not declare it in Package.swift")
    for module in declared:
        if module not in imported and targets[module]["kind"] != "executableTarget":
            problems.append(f"{name}: declares a dependency on {module} but no file of {target['path']} imports it")

if problems:
    print("check-manifest: Package.swift does not match the imports:", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    sys.exit(1)
print(f"check-manifest: {len(targets)} targets, dependencies match the imports")
PYTHON
