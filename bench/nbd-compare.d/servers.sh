# bench/nbd-compare.d/servers.sh: what bench/nbd-compare and bench/nbd-tools share, sourced by both: logging,
# port checks, starting the tandem pair and nbdkit's file plugin, waiting for them, stopping processes by pid.
#
# The sourcing script sets first: BENCH (its name, for messages), ROOT, HOST, and, before it starts anything,
# OUT (results dir, with logs/), WORK (temp dir), CMDLOG (the commands log), the PIDS array and PIDNAME map;
# for tandem TANDEM_NBD_PORT TANDEM_SEC_NBD_PORT TANDEM_CTL_PORT TANDEM_SEC_CTL_PORT TANDEM_PATHS
# TANDEM_DATA_PORT_BASE TANDEM_ACK_PORT_BASE TANDEM_ARGS, and for nbdkit's file plugin NBDKIT_FILE_PORT.
# Every function here writes its failure to stderr and exits 1 (2 for a busy port).

port_busy() { # proto(t|u) port -> prints the listener if busy
    ss -H "-${1}lnp" "sport = :$2" 2>/dev/null | head -1
}
check_port() { # proto port what
    local l; l=$(port_busy "$1" "$2")
    if [[ -n $l ]]; then
        echo "$BENCH: port $2/$([[ $1 == t ]] && echo tcp || echo udp) ($3) is busy: $l" >&2
        echo "$BENCH: stop what holds it or choose another port (see --help for the variables)" >&2
        exit 2
    fi
}
check_tandem_ports() { # every port the pair binds: NBD and control of both controllers, each path's UDP ports
    check_port t "$TANDEM_NBD_PORT" "tandem primary NBD, TANDEM_NBD_PORT"
    check_port t "$TANDEM_SEC_NBD_PORT" "tandem secondary NBD, TANDEM_SEC_NBD_PORT"
    check_port t "$TANDEM_CTL_PORT" "tandem primary control, TANDEM_CTL_PORT"
    check_port t "$TANDEM_SEC_CTL_PORT" "tandem secondary control, TANDEM_SEC_CTL_PORT"
    local i
    for ((i = 0; i < TANDEM_PATHS; i++)); do
        check_port u $((TANDEM_DATA_PORT_BASE + i)) "tandem path $i data, TANDEM_DATA_PORT_BASE"
        check_port u $((TANDEM_ACK_PORT_BASE + i)) "tandem path $i ack, TANDEM_ACK_PORT_BASE"
    done
}

log() { echo "[$(date -u +%T)] $*" >&2; }
logcmd() { echo "$*" >> "$CMDLOG"; log "\$ $*"; }

stop_pid() { # pid [seconds before SIGKILL]
    local p=$1 t=${2:-10} i
    [[ -n $p ]] || return 0
    if kill -0 "$p" 2>/dev/null; then
        kill "$p" 2>/dev/null || true
        for ((i = 0; i < t * 10; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$p" 2>/dev/null; then
            log "pid $p (${PIDNAME[$p]:-?}) still alive after ${t}s, SIGKILL"
            kill -9 "$p" 2>/dev/null || true
        fi
    fi
    wait "$p" 2>/dev/null || true
}

started() { # pid name
    PIDS+=("$1"); PIDNAME[$1]=$2
    logcmd "#   -> pid $1 ($2)"
}

wait_nbd() { # port [export]
    local i
    for ((i = 0; i < 300; i++)); do
        nbdinfo --size "nbd://$HOST:$1/${2:-}" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "$BENCH: nothing answers NBD on $HOST:$1 after 30 s" >&2
    return 1
}

alive() { # pid name logfile
    if ! kill -0 "$1" 2>/dev/null; then
        echo "$BENCH: $2 (pid $1) exited; last lines of $3:" >&2
        tail -20 "$3" >&2
        exit 1
    fi
}

mkimg() { # path: 1 GiB fully allocated file, as the reference setup makes it
    logcmd "dd if=/dev/zero of=$1 bs=1M count=1024 conv=fsync status=none"
    dd if=/dev/zero of="$1" bs=1M count=1024 conv=fsync status=none
}

TANDEM="$ROOT/tandem"
tandem_ctl() { "$TANDEM" ctl -t "$HOST:$TANDEM_CTL_PORT,$HOST:$TANDEM_SEC_CTL_PORT" "$@"; }

start_tandem() {
    local data="$WORK/tandem-data"
    local common="--data-dir $data --paths $TANDEM_PATHS --data-port-base $TANDEM_DATA_PORT_BASE --ack-port-base $TANDEM_ACK_PORT_BASE $TANDEM_ARGS"
    if [[ ! -f $ROOT/cli/target/tandem.jar ]]; then
        log "building the tandem jar (mvn -B -q -pl cli -am package -DskipTests)"
        (cd "$ROOT" && mvn -B -q -pl cli -am package -DskipTests) >&2
    fi
    # shellcheck disable=SC2086
    {
        logcmd "$TANDEM secondary --nbd-port $TANDEM_SEC_NBD_PORT --control-port $TANDEM_SEC_CTL_PORT $common"
        "$TANDEM" secondary --nbd-port "$TANDEM_SEC_NBD_PORT" --control-port "$TANDEM_SEC_CTL_PORT" $common \
            > "$OUT/logs/tandem-secondary.log" 2>&1 &
        TANDEM_SEC_PID=$!; started "$TANDEM_SEC_PID" tandem-secondary
        logcmd "$TANDEM primary --nbd-port $TANDEM_NBD_PORT --control-port $TANDEM_CTL_PORT $common"
        "$TANDEM" primary --nbd-port "$TANDEM_NBD_PORT" --control-port "$TANDEM_CTL_PORT" $common \
            > "$OUT/logs/tandem-primary.log" 2>&1 &
        TANDEM_PRI_PID=$!; started "$TANDEM_PRI_PID" tandem-primary
    }
    local i st
    for ((i = 0; i < 120; i++)); do
        alive "$TANDEM_SEC_PID" "tandem secondary" "$OUT/logs/tandem-secondary.log"
        alive "$TANDEM_PRI_PID" "tandem primary" "$OUT/logs/tandem-primary.log"
        # the primary's section of the status: from its header to the next controller's
        st=$(tandem_ctl status 2>/dev/null | awk -v h="== controller at $HOST:$TANDEM_CTL_PORT" \
             '$0 == h {on = 1; next} /^== controller at/ {on = 0} on' || true)
        if grep -qx 'path.0=up' <<< "$st" && grep -qx 'role=primary' <<< "$st"; then
            log "tandem pair up (primary path.0=up after ~${i}s)"
            tandem_ctl status > "$OUT/logs/tandem-status-start.txt" 2>&1 || true
            wait_nbd "$TANDEM_NBD_PORT"
            return 0
        fi
        sleep 1
    done
    echo "$BENCH: the tandem primary did not show path.0=up within 120 s; logs in $OUT/logs" >&2
    exit 1
}

start_nbdkit_file() {
    mkimg "$WORK/file.img"
    logcmd "nbdkit -f -i $HOST -p $NBDKIT_FILE_PORT file file=$WORK/file.img"
    nbdkit -f -i "$HOST" -p "$NBDKIT_FILE_PORT" file file="$WORK/file.img" > "$OUT/logs/nbdkit-file.log" 2>&1 &
    FILE_PID=$!; started "$FILE_PID" nbdkit-file
    wait_nbd "$NBDKIT_FILE_PORT" || { alive "$FILE_PID" "nbdkit file" "$OUT/logs/nbdkit-file.log"; exit 1; }
}

