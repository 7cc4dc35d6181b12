#!/bin/sh
# PID 1 of the guest (see scripts/vm-run): mount the host's root read-only,
# give it fresh writable scratch space, run the command, report, power off.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev

for m in $(cat /modules/order); do
	insmod "/modules/$m" || echo "vm-init: insmod $m failed"
done

opts=trans=virtio,version=9p2000.L,msize=262144
mount -t 9p -o "ro,$opts,cache=loose" hostroot /newroot || {
	echo "vm-init: cannot mount the host root"; poweroff -f; }
R=/newroot
mount -t proc proc $R/proc
mount -t sysfs sysfs $R/sys
mount -t devtmpfs dev $R/dev
mkdir -p $R/dev/pts $R/dev/shm 2>/dev/null
mount -t devpts devpts $R/dev/pts
mount -t tmpfs tmpfs $R/dev/shm
for d in tmp run var/tmp root; do
	mount -t tmpfs -o mode=1777 tmpfs $R/$d
done
mount -t tmpfs tmpfs $R/var/lib 2>/dev/null
mkdir -p $R/run/rcan-out $R/run/netns $R/run/lock
mount -t 9p -o "$opts,cache=none" rcanout $R/run/rcan-out
: >$R/run/rcan-out/booted # the kernel came up: scripts/vm-run boots no more
# The tree comes as a share of its own (scripts/vm-run), mounted at its own
# path once the tmpfs mounts above are in place: one of them may hide it.
tree=$(cat $R/run/rcan-out/tree-path)
mkdir -p "$R$tree"
mount -t 9p -o "ro,$opts,cache=loose" rcantree "$R$tree" ||
	echo "vm-init: cannot mount the tree at $tree"
mount -t debugfs debugfs $R/sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs $R/sys/kernel/tracing 2>/dev/null
mount -t bpf bpf $R/sys/fs/bpf 2>/dev/null
mount -t cgroup2 cgroup2 $R/sys/fs/cgroup 2>/dev/null
chroot $R /usr/sbin/ip link set lo up
# Every socket that asks for receive timestamps (candump, python-can, the
# test server) turns a kernel static key on, and the last one to close
# turns it off again: the kernel rewrites its own code each time. QEMU's
# multi-threaded TCG races that rewrite (the other vCPU runs the old int3),
# and 6.12 died of it ("Oops: int3" in __netif_receive_skb_core) within
# seconds of a loop opening and closing such sockets, with no module of
# ours loaded. One socket held for the whole run keeps the key on, so the
# tests' sockets never switch it. Real hosts are not affected.
chroot $R /usr/bin/python3 -c '
import signal, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 29, 1)  # SO_TIMESTAMP
signal.pause()' &
echo rcan-guest >/proc/sys/kernel/hostname

O=/run/rcan-out
# The command runs at the root of its own mount namespace rather than in a
# chroot: the kernel refuses user namespaces to chrooted processes.
/bin/busybox unshare -m /bin/sh -c "cd $R && mount --move . / &&
	exec chroot . /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root TERM=dumb LANG=C.UTF-8 RCAN_OUT=$O \
	/bin/sh $O/guest-cmd" >$R$O/cmd.out 2>&1
rc=$?
chroot $R /bin/dmesg >$R$O/dmesg.txt 2>&1
cat /proc/sys/kernel/tainted >$R$O/tainted
echo "$rc" >$R$O/rc
sync
umount $R$O 2>/dev/null
poweroff -f
