#!/usr/bin/env python3
"""A loopback server speaking the part of OpenAI's fine-tuning API that `whet finetune status` reads: every
job has succeeded with a fine-tuned model. Writes its port to the file named by argv[1]."""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the standard library's name
        parts = self.path.split("?")[0].strip("/").split("/")
        if parts[-1] == "events":
            body = {"data": [{"created_at": 1764460800, "level": "info", "message": "Job succeeded"}]}
        else:
            body = {"id": parts[-1], "status": "succeeded", "model": "gpt-4o-mini",
                    "fine_tuned_model": f"ft:gpt-4o-mini:whet:{parts[-1]}", "trained_tokens": 1200}
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[1], "w") as handle:
    handle.write(str(server.server_address[1]))
server.serve_forever()
