# Shared by the ganeti-busybox scripts. Sourced, not run.
#
# Disk 0 gets an MBR partition table with one Linux partition from 1 MiB to the end, holding
# an ext4 file system; the guest's kernel (hypervisor parameter kernel_path, with
# root_path=/dev/vda1) mounts it and runs busybox init. The file system is filled with
# mke2fs -d from a staging directory, so creating an instance mounts nothing.

set -eu

PART_OFFSET=1048576

log() { echo "ganeti-busybox: $*" >&2; }
die() { log "$*"; exit 1; }

BUSYBOX=${BUSYBOX:-}
if [ -z "$BUSYBOX" ]; then
  for b in /bin/busybox /usr/bin/busybox; do
    if [ -x "$b" ]; then BUSYBOX=$b; break; fi
  done
fi
[ -n "$BUSYBOX" ] || die "busybox is not installed on this node (Debian: busybox-static)"
# The guest has no libraries: only a static busybox works there.
if command -v file >/dev/null && ! file -L "$BUSYBOX" | grep -q 'statically linked'; then
  die "$BUSYBOX is not statically linked; install busybox-static"
fi

[ "${DISK_COUNT:-0}" -ge 1 ] || die "the instance has no disk"
disk=$DISK_0_PATH

disk_bytes() {
  if [ -b "$1" ]; then blockdev --getsize64 "$1"; else stat -L -c %s "$1"; fi
}

# Attaches the root partition of disk 0 as a loop device and prints it.
attach_root() {
  size=$(disk_bytes "$disk")
  losetup --show -f -o "$PART_OFFSET" --sizelimit $((size - PART_OFFSET)) "$disk"
}
