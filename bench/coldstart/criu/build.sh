#!/usr/bin/env bash
# Builds the CRIU that the cold-start benchmark's +snapstart variants use to emulate Lambda SnapStart: Debian's
# CRIU 4.1.1 source (Debian 12's own CRIU 3.17 cannot read this kernel's vDSO), checked against its SHA-256, with
# one patch for kernels 6.16 and later (see inet-sockopts.patch). Prints the binary's path. Needs root for apt-get.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$(dirname "$here")/target/criu"
binary="$out/criu-4.1.1/criu/criu"
if [[ -x "$binary" ]]; then echo "$binary"; exit 0; fi

tarball=criu_4.1.1.orig.tar.xz
sha256=f80a66cb3726bb2116266d4759ce3bcbfab7abdb6b6d430bf20dd41911717afe
apt-get install -y -q libprotobuf-c-dev protobuf-c-compiler libprotobuf-dev protobuf-compiler libnl-3-dev libcap-dev \
  libnet1-dev libbsd-dev libaio-dev pkg-config python3-protobuf >&2
mkdir -p "$out"
curl -fsS -o "$out/$tarball" "http://deb.debian.org/debian/pool/main/c/criu/$tarball"
echo "$sha256  $out/$tarball" | sha256sum -c --quiet
tar -xJf "$out/$tarball" -C "$out"
patch -d "$out/criu-4.1.1" -p1 < "$here/inet-sockopts.patch" >&2
make -C "$out/criu-4.1.1" -j"$(nproc)" criu >&2
"$binary" check >&2
echo "$binary"
