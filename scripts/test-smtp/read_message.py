#!/usr/bin/env python3
"""Reads a message the way a mail client does and prints what it finds as JSON, so that
Undersigned's tests check its emails with an independent parser and DKIM verifier.

Usage: read_message.py MESSAGE.eml [DKIM_DNS_TXT_RECORD]
With a DNS record (as published at SELECTOR._domainkey.DOMAIN), "dkim" tells whether the
DKIM signature verifies against it.
"""
import email
import email.policy
import json
import sys

import dkim


def main():
    raw = open(sys.argv[1], "rb").read()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    found = {
        "subject": str(message["Subject"]),
        "from": str(message["From"]),
        "to": str(message["To"]),
        "reply_to": str(message["Reply-To"]) if message["Reply-To"] else None,
        "content_type": message.get_content_type(),
        "defects": [type(defect).__name__ for defect in message.defects],
        "text": None,
        "html": None,
    }
    for part in message.walk():
        # The parser keeps the message's CRLF line ends; a reader sees lines.
        if part.get_content_type() == "text/plain":
            found["text"] = part.get_content().replace("\r\n", "\n")
        elif part.get_content_type() == "text/html":
            found["html"] = part.get_content().replace("\r\n", "\n")
        found["defects"] += [type(defect).__name__ for defect in part.defects]
    if len(sys.argv) > 2:
        record = sys.argv[2].encode()
        found["dkim"] = dkim.verify(raw, dnsfunc=lambda name, timeout=5: record)
    print(json.dumps(found))


if __name__ == "__main__":
    main()
