"""Minimal HTTP/1.1 client pieces for the bench scripts (stdlib only).

Raw sockets rather than http.client so the scripts can time the first byte of the
response body exactly, keep connections alive, and parse chunked SSE bodies without
buffering surprises.
"""
import json
import math
from urllib.parse import urlsplit


def parse_url(url):
    """'http://127.0.0.1:28080[/path]' -> (host, port, path)."""
    u = urlsplit(url)
    if u.scheme != "http":
        raise ValueError("only http:// URLs: %s" % url)
    path = u.path if u.path not in ("", "/") else "/v1/chat/completions"
    return u.hostname, u.port or 80, path


def chat_request(host, port, path, auth, model, content, max_tokens=64, stream=True, close=False):
    body = {
        "model": model,
        "messages": [{"role": "user", "content": content}],
        "max_tokens": max_tokens,
    }
    if stream:
        body["stream"] = True
        body["stream_options"] = {"include_usage": True}
    data = json.dumps(body, separators=(",", ":")).encode()
    head = (
        "POST %s HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Bearer %s\r\n"
        "Content-Type: application/json\r\nAccept: text/event-stream\r\n"
        "Content-Length: %d\r\n%s\r\n" % (path, host, port, auth, len(data), "Connection: close\r\n" if close else "")
    )
    return head.encode() + data


class ResponseParser:
    """Incremental HTTP/1.1 response parser (Content-Length, chunked, or read-to-close).

    feed(bytes) -> number of body bytes seen so far is available as .body_bytes;
    .done is True once the message is complete; .body holds the de-chunked body
    (only its tail is kept when keep_tail is set, to bound memory)."""

    def __init__(self, keep_tail=None):
        self.buf = b""
        self.status = None
        self.headers = {}
        self.head_done = False
        self.done = False
        self.body = b""
        self.body_bytes = 0          # raw body bytes on the wire (incl. chunk framing)
        self.keep_tail = keep_tail
        self._mode = None            # "length" | "chunked" | "close"
        self._remaining = 0
        self._chunk_left = None      # bytes left in the current chunk (None: expecting a size line)
        self._trailer = False

    def _append(self, data):
        self.body += data
        if self.keep_tail is not None and len(self.body) > 2 * self.keep_tail:
            self.body = self.body[-self.keep_tail:]

    def feed(self, data):
        if not self.head_done:
            self.buf += data
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head, rest = self.buf[:end].decode("latin-1"), self.buf[end + 4:]
            self.buf = b""
            lines = head.split("\r\n")
            self.status = int(lines[0].split()[1])
            for line in lines[1:]:
                k, _, v = line.partition(":")
                self.headers[k.strip().lower()] = v.strip()
            self.head_done = True
            te = self.headers.get("transfer-encoding", "").lower()
            if "chunked" in te:
                self._mode = "chunked"
            elif "content-length" in self.headers:
                self._mode = "length"
                self._remaining = int(self.headers["content-length"])
                if self._remaining == 0:
                    self.done = True
            else:
                self._mode = "close"
            data = rest
            if not data:
                return
        self.body_bytes += len(data)
        if self._mode == "length":
            take = data[: self._remaining]
            self._append(take)
            self._remaining -= len(take)
            if self._remaining <= 0:
                self.done = True
        elif self._mode == "close":
            self._append(data)
        else:
            self.buf += data
            self._parse_chunks()

    def _parse_chunks(self):
        while not self.done:
            if self._trailer:
                end = self.buf.find(b"\r\n")
                if end < 0:
                    return
                line, self.buf = self.buf[:end], self.buf[end + 2:]
                if line == b"":
                    self.done = True
                continue
            if self._chunk_left is None:
                end = self.buf.find(b"\r\n")
                if end < 0:
                    return
                line, self.buf = self.buf[:end], self.buf[end + 2:]
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self._trailer = True
                    continue
                self._chunk_left = size
            if self._chunk_left > 0:
                if not self.buf:
                    return
                take = self.buf[: self._chunk_left]
                self.buf = self.buf[len(take):]
                self._append(take)
                self._chunk_left -= len(take)
            if self._chunk_left == 0:
                if len(self.buf) < 2:
                    return
                self.buf = self.buf[2:]
                self._chunk_left = None

    def eof(self):
        if self._mode == "close" and self.head_done:
            self.done = True


def percentile(values, p):
    if not values:
        return None
    s = sorted(values)      # nearest rank, as wrk's chat.lua does
    return s[max(0, min(len(s) - 1, math.ceil(p / 100.0 * len(s)) - 1))]
