#!/usr/bin/env python3
"""Example Python chat server exposing the same chat_* metrics as the Node one:
WebSocket rooms, /healthz and /metrics on one port; asyncio plus Debian's
python3-prometheus-client only. Same JSON messages as examples/chat-server, so
examples/load/load.js drives it too (the /control fault knobs are Node-only).
Run: /usr/bin/python3 examples/python-chat-server/server.py --port 0
"""
import argparse, asyncio, base64, hashlib, ipaddress, json, os, signal, struct, sys, time  # noqa: E401

# WHY: the *_created series are timestamps, not measurements; the monitor would chart them.
os.environ.setdefault("PROMETHEUS_DISABLE_CREATED_SERIES", "True")
from prometheus_client import REGISTRY, Counter, Gauge, Histogram, exposition  # noqa: E402
from prometheus_client.openmetrics import exposition as om_exposition  # noqa: E402

# The default REGISTRY already has process_* (CPU seconds, RSS, fds) and python_gc_*.
ACTIVE_USERS = Gauge("chat_active_users", "Users currently joined to a room (all rooms).")
ROOM_USERS = Gauge("chat_room_active_users", "Users currently joined, per room.", ["room"])
ROOMS = Gauge("chat_rooms", "Rooms with at least one user.")
MESSAGES = Counter("chat_messages", "Chat messages received and accepted for broadcast.")  # -> chat_messages_total
LATENCY = Histogram("chat_message_latency_seconds", "Receive to broadcast written to every room member.",
                    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2))
ERRORS = Counter("chat_errors", "Errors by kind.", ["kind"])
CONNECTIONS = Counter("chat_connections", "WebSocket connections accepted since start.")
for _kind in ("bad_json", "bad_message", "not_joined", "socket"):
    ERRORS.labels(kind=_kind)  # pre-create at zero so rates exist from the first scrape

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MAX_FRAME_BYTES = 64 * 1024
rooms = {}        # room -> set of clients
memberships = {}  # client -> (room, user)
started_at = time.monotonic()


def send(client, obj):
    """Writes obj as one unmasked text frame; a client is its asyncio StreamWriter."""
    data = json.dumps(obj).encode()
    n = len(data)
    head = bytes([0x81, n]) if n < 126 else (
        struct.pack("!BBH", 0x81, 126, n) if n < 65536 else struct.pack("!BBQ", 0x81, 127, n))
    client.write(head + data)


async def read_frame(reader):
    b1, b2 = await reader.readexactly(2)
    n = b2 & 0x7F
    if n in (126, 127):  # extended payload length: 16 or 64 bits
        n = int.from_bytes(await reader.readexactly(2 if n == 126 else 8), "big")
    if n > MAX_FRAME_BYTES:
        raise ValueError("frame too large")
    mask = await reader.readexactly(4) if b2 & 0x80 else bytes(4)
    data = await reader.readexactly(n)
    key = (mask * (n // 4 + 1))[:n]  # unmask with one big-int XOR instead of a Python loop
    return b1 & 0x0F, (int.from_bytes(data, "big") ^ int.from_bytes(key, "big")).to_bytes(n, "big")


def update_occupancy():
    ACTIVE_USERS.set(len(memberships))
    ROOMS.set(len(rooms))
    ROOM_USERS.clear()
    for room, members in rooms.items():
        ROOM_USERS.labels(room=room).set(len(members))


def leave(client):
    room, _ = memberships.pop(client, (None, None))
    if room is not None:
        rooms[room].discard(client)
        if not rooms[room]:
            del rooms[room]
        update_occupancy()
    return room


def reject(client, kind, message):
    ERRORS.labels(kind=kind).inc()
    send(client, {"type": "error", "message": message})


async def on_message(client, text):
    received = time.perf_counter()
    try:
        msg = json.loads(text)
    except ValueError:
        return reject(client, "bad_json", 'Messages must be JSON, e.g. {"type":"chat","room":"lobby","text":"hi"}.')
    kind = msg.get("type") if isinstance(msg, dict) else None
    if kind == "join":
        room, user = msg.get("room"), msg.get("user")
        if not (isinstance(room, str) and isinstance(user, str) and 0 < len(room) <= 64 and 0 < len(user) <= 64):
            return reject(client, "bad_message", 'A join needs "room" and "user", strings of 1-64 characters.')
        leave(client)
        memberships[client] = (room, user)
        rooms.setdefault(room, set()).add(client)
        update_occupancy()
        send(client, {"type": "joined", "room": room, "user": user})
    elif kind == "leave":
        send(client, {"type": "left", "room": leave(client)})
    elif kind == "chat":
        room, user = memberships.get(client, (None, None))
        if room is None or msg.get("room", room) != room:
            return reject(client, "not_joined", 'Send {"type":"join","room":...,"user":...} before chatting.')
        if not isinstance(msg.get("text"), str):
            return reject(client, "bad_message", 'A chat message needs "text", a string.')
        MESSAGES.inc()
        out = {"type": "chat", "room": room, "user": user, "text": msg["text"], "sentAt": msg.get("sentAt"),
               "serverAt": time.time() * 1000}
        members = list(rooms.get(room, ()))
        for member in members:
            send(member, out)
        await asyncio.gather(*(m.drain() for m in members), return_exceptions=True)
        LATENCY.observe(time.perf_counter() - received)
    else:
        reject(client, "bad_message", "Unknown message type; use join, chat or leave.")


async def serve_websocket(reader, client, headers):
    accept = base64.b64encode(hashlib.sha1((headers.get("sec-websocket-key", "") + WS_GUID).encode()).digest())
    client.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
    CONNECTIONS.inc()
    try:
        while True:
            opcode, payload = await read_frame(reader)
            if opcode == 0x8:  # close: echo it, as the protocol asks
                client.write(b"\x88\x02" + payload[:2] if len(payload) >= 2 else b"\x88\x00")
                break
            if opcode == 0x9:
                client.write(bytes([0x8A, len(payload)]) + payload)
            elif opcode == 0x1:
                await on_message(client, payload.decode("utf-8", "replace"))
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        ERRORS.labels(kind="socket").inc()
    finally:
        leave(client)


def http_response(writer, status, content_type, body):
    writer.write(f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
                 "Cache-Control: no-store\r\nConnection: close\r\n\r\n".encode() + body)


async def handle(reader, writer):
    try:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        method, path = (head[0].split(" ") + ["", ""])[:2]
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:] if line)}
        if headers.get("upgrade", "").lower() == "websocket":
            await serve_websocket(reader, writer, headers)
        elif method == "GET" and path.split("?")[0] == "/healthz":
            body = {"status": "ok", "uptimeSeconds": round(time.monotonic() - started_at, 1), "users": len(memberships)}
            http_response(writer, "200 OK", "application/json", json.dumps(body).encode())
        elif method == "GET" and path.split("?")[0] == "/metrics":  # OpenMetrics when the scraper asks for it
            fmt = om_exposition if "application/openmetrics-text" in headers.get("accept", "") else exposition
            http_response(writer, "200 OK", fmt.CONTENT_TYPE_LATEST, fmt.generate_latest(REGISTRY))
        else:
            body = {"error": f"No route {method} {path}; try /healthz or /metrics."}
            http_response(writer, "404 Not Found", "application/json", json.dumps(body).encode())
        await writer.drain()
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        pass
    finally:
        writer.close()


def is_loopback(host):
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def main():
    parser = argparse.ArgumentParser(description="Example Python chat server with Prometheus metrics.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("CHAT_PORT", "8080")))
    parser.add_argument("--host", default=os.environ.get("CHAT_HOST", "127.0.0.1"))
    parser.add_argument("--allow-remote", action="store_true")
    args = parser.parse_args()
    if not args.allow_remote and not is_loopback(args.host):
        sys.exit(f"chat-server: --host {args.host} is not a loopback address; use 127.0.0.1, or add --allow-remote.")
    try:
        server = await asyncio.start_server(handle, args.host, args.port)
    except OSError as err:
        sys.exit(f"chat-server: cannot listen on {args.host}:{args.port}: {err.strerror}; pick another --port, or --port 0.")
    print(f"chat-server listening on http://{args.host}:{server.sockets[0].getsockname()[1]} (pid {os.getpid()})", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    for client in list(memberships):
        client.write(b"\x88\x02\x03\xe9")  # close frame, 1001 "going away"
        client.close()


if __name__ == "__main__":
    asyncio.run(main())
