#!/usr/bin/env python3
"""A small SMTP server on loopback for Undersigned's tests and SMTP benchmark.

It prints the port it listens on, then serves until its standard input closes or it is
terminated. Every message it accepts is written to OUT_DIR as N.eml (the content exactly as
received, after the SMTP dot-unstuffing) with N.json (envelope, login, TLS); every DATA it
answers, and every EHLO, is appended to OUT_DIR/events.jsonl.

Behaviours:
  accept          take every message
  tempfail-once   answer 451 to the first DATA of each Message-ID, then accept it
  reject          answer 550 to RCPT TO, repeating the address as many servers do
  drop            close the connection once DATA's content has arrived, without replying
  mixed           accept, but answer 550 to RCPT TO for addresses starting "refused", and
                  drop the connection as "drop" does for messages to addresses starting "dropped"
  sink            count messages and write nothing but the count (benchmark)
  mute            accept connections and never say a word (timeouts)
"""
import argparse
import asyncio
import json
import os
import signal
import socket
import ssl
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Handler:
    def __init__(self, behaviour, out_dir, pipelining):
        self.behaviour = behaviour
        self.pipelining = pipelining
        self.out_dir = out_dir
        self.count = 0
        self.first = None
        self.last = None
        self.seen = set()
        self.lock = threading.Lock()

    def event(self, **fields):
        with open(os.path.join(self.out_dir, "events.jsonl"), "a") as events:
            events.write(json.dumps(fields) + "\n")

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # aiosmtpd reads commands one after the other, so it can offer PIPELINING (RFC 2920).
        session.host_name = hostname
        self.event(event="hello")
        if self.pipelining:
            responses.insert(len(responses) - 1, "250-PIPELINING")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.behaviour == "reject" or (self.behaviour == "mixed" and address.startswith("refused")):
            return "550 5.1.1 <%s>: Recipient address rejected: no such user (%s)" % (address, address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content
        if self.behaviour == "sink":
            now = time.monotonic()
            with self.lock:
                self.count += 1
                self.first = self.first or now
                self.last = now
            return "250 OK"
        message_id = message_id_of(content)
        if self.behaviour == "drop" or (
            self.behaviour == "mixed" and any(to.startswith("dropped") for to in envelope.rcpt_tos)
        ):
            self.event(event="data", outcome="dropped", message_id=message_id)
            server.transport.close()
            return "250 OK"
        if self.behaviour == "tempfail-once" and message_id not in self.seen:
            self.seen.add(message_id)
            self.event(event="data", outcome="451", message_id=message_id)
            return "451 4.3.0 Temporary failure, try again later"
        with self.lock:
            self.count += 1
            number = self.count
        with open(os.path.join(self.out_dir, "%d.eml" % number), "wb") as eml:
            eml.write(content)
        envelope_record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "login": session.auth_data.login.decode() if session.auth_data else None,
            "tls": server.transport.get_extra_info("sslcontext") is not None,
        }
        with open(os.path.join(self.out_dir, "%d.json" % number), "w") as record:
            json.dump(envelope_record, record)
        self.event(event="data", outcome="250", message_id=message_id)
        return "250 OK queued as %d" % number


def message_id_of(content):
    for line in content.split(b"\r\n"):
        if line == b"":
            break
        if line.lower().startswith(b"message-id:"):
            return line.split(b":", 1)[1].strip().decode()
    return None


def serve_mute(stop):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    print(listener.getsockname()[1], flush=True)
    held = []
    while not stop.is_set():
        try:
            held.append(listener.accept()[0])
        except socket.timeout:
            pass
    for connection in held:
        connection.close()
    listener.close()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("behaviour", choices=["accept", "tempfail-once", "reject", "drop", "mixed", "sink", "mute"])
    parser.add_argument("out_dir")
    parser.add_argument("--cert", help="certificate (PEM) for STARTTLS or implicit TLS")
    parser.add_argument("--key", help="its private key (PEM)")
    parser.add_argument("--starttls", action="store_true", help="offer STARTTLS and require it")
    parser.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte")
    parser.add_argument("--auth", help="USER:PASSWORD required, over TLS")
    parser.add_argument("--auth-mechanism", help="offer only this AUTH mechanism (PLAIN or LOGIN)")
    parser.add_argument("--no-pipelining", action="store_true", help="do not offer PIPELINING")
    arguments = parser.parse_args()

    os.makedirs(arguments.out_dir, exist_ok=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    if arguments.behaviour == "mute":
        serve_mute(stop)
        return
    handler = Handler(arguments.behaviour, arguments.out_dir, not arguments.no_pipelining)
    options = {}
    if arguments.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(arguments.cert, arguments.key)
        if arguments.implicit_tls:
            options["ssl_context"] = context
        else:
            options["tls_context"] = context
            options["require_starttls"] = arguments.starttls
    if arguments.auth:
        user, password = arguments.auth.split(":", 1)

        def authenticate(server, session, envelope, mechanism, auth_data):
            good = auth_data.login == user.encode() and auth_data.password == password.encode()
            return AuthResult(success=good, handled=False, auth_data=auth_data)

        options["authenticator"] = authenticate
        options["auth_required"] = True
        options["auth_require_tls"] = True
        if arguments.auth_mechanism:
            options["auth_exclude_mechanism"] = [m for m in ("PLAIN", "LOGIN") if m != arguments.auth_mechanism]

    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=10, **options)
    controller.start()
    print(port, flush=True)
    # Polled: a signal handler runs only between waits.
    while not stop.wait(0.2):
        pass
    controller.stop()
    if arguments.behaviour == "sink":
        elapsed = (handler.last - handler.first) if handler.count > 1 else 0
        with open(os.path.join(arguments.out_dir, "sink.json"), "w") as summary:
            json.dump({"count": handler.count, "seconds_first_to_last": elapsed}, summary)


if __name__ == "__main__":
    main()
