#!/usr/bin/env python3
"""A sample outside retriever for whet: the shape of the answer, not a good search engine.

It scores the paragraphs of the Markdown and text files under a directory by how many of the query's
words they contain, and answers in whet's retriever format, either way whet can ask:

  [retrieval]
  kind = "command"
  command = "python3 docs/examples/retriever.py corpus"

  [retrieval]
  kind = "http"
  url = "http://127.0.0.1:8900/search"      # after: python3 docs/examples/retriever.py corpus --serve 8900

A command reads the query on standard input (the number of chunks wanted is in WHET_TOP_K) and writes one
JSON object per line; the HTTP form answers POST {"query": ..., "top_k": ...} with {"chunks": [...]}. Each
chunk has "text" and "source", and may have "score", "lines" ([start, end]), "page" and "heading".
Replace `search` with a call to your application's own retrieval.
"""
import json
import os
import re
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

WORD = re.compile(r"\w+", re.UNICODE)


def paragraphs(root):
    """Yields (source, first line, last line, heading, text) for each paragraph of each file."""
    for folder, _, names in sorted(os.walk(root)):
        for name in sorted(names):
            if not name.endswith((".md", ".txt", ".rst")):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8", errors="replace") as handle:
                lines = handle.read().split("\n")
            heading, start, block = "", None, []
            for number, line in enumerate(lines + [""], start=1):
                if line.startswith("#"):
                    heading = line.lstrip("#").strip()
                if line.strip():
                    start = start or number
                    block.append(line)
                elif block:
                    yield path, start, number - 1, heading, "\n".join(block)
                    start, block = None, []


def search(root, query, top_k):
    """The top_k paragraphs sharing the most words with the query, best first."""
    wanted = {word.lower() for word in WORD.findall(query)}
    scored = []
    for source, first, last, heading, text in paragraphs(root):
        words = {word.lower() for word in WORD.findall(text)}
        score = len(wanted & words)
        if score:
            scored.append((score, source, first, last, heading, text))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    return [
        {"text": text, "source": source, "score": float(score), "lines": [first, last],
         "heading": [heading] if heading else []}
        for score, source, first, last, heading, text in scored[:top_k]
    ]


def serve(root, port):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            asked = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            body = json.dumps({"chunks": search(root, asked.get("query", ""), int(asked.get("top_k", 5)))})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    HTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    root = sys.argv[1] if len(sys.argv) > 1 else "corpus"
    if "--serve" in sys.argv:
        serve(root, int(sys.argv[sys.argv.index("--serve") + 1]))
    else:
        for chunk in search(root, sys.stdin.read(), int(os.environ.get("WHET_TOP_K", "5"))):
            print(json.dumps(chunk, ensure_ascii=False))
