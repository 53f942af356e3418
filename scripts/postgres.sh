# Throwaway PostgreSQL clusters for tests and benchmarks. Source this file, then:
#   postgres_start   installs PostgreSQL from Debian if missing, starts a cluster in a temporary
#                    directory on a free loopback port, and sets POSTGRES_URL;
#   postgres_stop    stops it and deletes the directory.
# POSTGRES_OPTIONS adds settings to the server's command line (`-c name=value …`).

postgres_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$dir" ]; then
        echo "Installing PostgreSQL from Debian's packages…" >&2
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >&2
        dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    fi
    echo "$dir"
}

# Runs a PostgreSQL program as an unprivileged user: the server refuses to run as root.
postgres_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

postgres_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

postgres_start() {
    local bin
    bin=$(postgres_bin)
    POSTGRES_DIR=$(mktemp -d /tmp/undersigned-postgres.XXXXXX)
    chmod 755 "$POSTGRES_DIR"
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
        chown postgres "$POSTGRES_DIR"
    fi
    local port
    port=$(postgres_free_port)
    postgres_as_owner "$bin/initdb" -D "$POSTGRES_DIR/data" -U postgres --auth=trust -E UTF8 --no-locale >"$POSTGRES_DIR/initdb.log"
    # Throwaway data: durability settings off for speed, unless a benchmark asks to keep them.
    local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [ "${POSTGRES_DURABLE:-0}" = "1" ] && durability=""
    postgres_as_owner "$bin/pg_ctl" -D "$POSTGRES_DIR/data" -l "$POSTGRES_DIR/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k $POSTGRES_DIR -c max_connections=1000 $durability ${POSTGRES_OPTIONS:-}" start >/dev/null
    POSTGRES_BIN="$bin"
    POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
    export POSTGRES_DIR POSTGRES_BIN POSTGRES_URL
    echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') listening on 127.0.0.1:$port" >&2
}

postgres_stop() {
    if [ -n "${POSTGRES_DIR:-}" ] && [ -d "$POSTGRES_DIR" ]; then
        postgres_as_owner "$POSTGRES_BIN/pg_ctl" -D "$POSTGRES_DIR/data" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$POSTGRES_DIR"
    fi
}
