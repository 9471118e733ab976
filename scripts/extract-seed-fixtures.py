#!/usr/bin/env python3
"""Extract every JSON body from the seed documents into golden-test fixtures.

Each HTTP block in a seed (request, response or notification) whose
`Content-Type: application/json` header is followed by a JSON body becomes one
fixture file named `<seed>-<nn>-<kind>.json`, copied byte for byte (typos
included). The fixture index `index.tsv` records the seed line, the HTTP start
line and the kind, so a golden test can say which example it checks.

Usage: scripts/extract-seed-fixtures.py SEEDS_DIR OUT_DIR
"""
import os
import re
import sys

START = re.compile(r'^(POST|GET|PATCH|DELETE|PUT) (\S+)|^HTTP/1\.1 (\d{3})')


def json_block(lines, i):
    """Return (text, end) of a brace-balanced block starting at line i, or None."""
    depth, in_str, esc, out = 0, False, False, []
    for j in range(i, len(lines)):
        line = lines[j]
        out.append(line)
        for ch in line:
            if in_str:
                if esc:
                    esc = False
                elif ch == '\\':
                    esc = True
                elif ch == '"':
                    in_str = False
            elif ch == '"':
                in_str = True
            elif ch in '{[':
                depth += 1
            elif ch in '}]':
                depth -= 1
        if depth == 0:
            return '\n'.join(out) + '\n', j
    return None


def extract(path):
    name = os.path.basename(path).split('_')[0]
    lines = open(path, encoding='utf-8').read().split('\n')
    found, start = [], None
    i = 0
    while i < len(lines):
        m = START.match(lines[i].strip())
        if m:
            start = (i + 1, lines[i].strip())
        elif lines[i].strip().lower() == 'content-type: application/json' and start:
            # The body follows after headers, blank lines, code fences, doc
            # comments or a one-line caption; the next HTTP start line ends it.
            j, first = i + 1, True
            while j < len(lines) and not START.match(lines[j].strip()):
                text_line = lines[j].lstrip()
                if text_line.startswith('{'):
                    block = json_block(lines, j)
                    if not block:
                        break
                    text, end = block
                    line_no, http = start
                    if http.startswith('HTTP/'):
                        kind = 'response'
                    elif 'graph.microsoft.com' in http or http.split()[1].startswith('/'):
                        kind = 'request'
                    else:
                        kind = 'notification'
                    found.append((name, line_no, http, kind, text))
                    i, j, first = end, end + 1, False
                    # A second body under the same header only follows a
                    # one-line caption (as the delta-roster variants do).
                    k = j
                    while k < len(lines) and lines[k].strip() in ('', '```'):
                        k += 1
                    if k + 1 < len(lines) and not lines[k].isascii() and lines[k + 1].lstrip().startswith('{'):
                        j = k + 1
                        continue
                    break
                if not first or j - i > 12:
                    break
                j += 1
            start = None
        i += 1
    return found


def main():
    seeds, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    rows = []
    for fn in sorted(os.listdir(seeds)):
        if not fn.endswith('.txt'):
            continue
        for n, (name, line, http, kind, text) in enumerate(extract(os.path.join(seeds, fn)), 1):
            fixture = f'seed{name}-{n:02d}-{kind}.json'
            with open(os.path.join(out, fixture), 'w', encoding='utf-8') as f:
                f.write(text)
            rows.append(f'{fixture}\t{fn}:{line}\t{http}')
    with open(os.path.join(out, 'index.tsv'), 'w', encoding='utf-8') as f:
        f.write('fixture\tsource\thttp\n' + '\n'.join(rows) + '\n')
    print(f'{len(rows)} fixtures')


if __name__ == '__main__':
    main()
