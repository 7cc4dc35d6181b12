# shellcheck shell=sh
# vcan_add NAME: a vcan "remote bus" that keeps frame order (sourced).
#
# A CAN_RAW send on a vcan is looped back to the other sockets on it with
# netif_rx(), which queues on the backlog of the CPU the sender runs on.
# When softirqs fall behind (ksoftirqd) and the sender then runs on the
# other CPU, its later frames overtake the queued ones: the receivers of
# the vcan see frames out of order, although every writer wrote them in
# order. Seen in the guest under load (debug kernel, loaded CI host).
# Steering the vcan's receive to CPU 0 (RPS) puts every frame on one
# backlog, in the order it was sent. rcan.ko itself delivers with
# netif_receive_skb() and has no such backlog.
vcan_add() {
	ip link add "$1" type vcan 2>/dev/null || true
	echo 1 >"/sys/class/net/$1/queues/rx-0/rps_cpus" &&
		ip link set "$1" up
}
