#!/usr/bin/env python3
"""Write the seed corpus for ring_fuzz (fuzz/corpus/ring/): one small file per interesting driver behaviour.

The byte format is ring_fuzz.cpp's: header byte (bit0 packed, bit1 INDIRECT, bit2 EVENT_IDX, bit3 IN_ORDER,
bit4 NOTIFICATION_DATA, bit5 misaligned driver area), queue size (split: log2 byte; packed: u16), then actions
(opcode byte = action % 12, followed by that action's operands).
"""
import os
import struct
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "ring")


def hdr(packed, indirect=False, event_idx=False, in_order=False, notif=False, qsize_log2=4, qsize=16):
    b = (1 if packed else 0) | (2 if indirect else 0) | (4 if event_idx else 0) | (8 if in_order else 0) | (16 if notif else 0)
    return bytes([b]) + (struct.pack("<H", qsize - 1) if packed else bytes([qsize_log2]))


def good_chain(k=1, ident=0):
    return bytes([1, k - 1]) + (bytes([ident] * k) if True else b"")


POP, PUSH, BATCH, NOTIFY, SUPPRESS, NOTIF_DATA = bytes([4]), bytes([5, 0, 0]), bytes([6, 0x10, 0]), bytes([7]), bytes([8, 1]), bytes([9])


def desc(i, kind, addr_bytes, length, flags, nxt):
    # action 0: slot u16, addr selector + operands, len selector + len, flags u16, next u16
    return bytes([0]) + struct.pack("<H", i) + addr_bytes + bytes([0]) + struct.pack("<H", length) + struct.pack("<HH", flags, nxt)


def buf_addr(off=0):
    return bytes([4]) + struct.pack("<H", off)


seeds = {
    "split_roundtrip": hdr(False) + good_chain(1) + POP + PUSH + NOTIFY,
    "split_chain3": hdr(False) + good_chain(3) + POP + PUSH + NOTIFY + SUPPRESS,
    "split_event_idx": hdr(False, event_idx=True) + good_chain(1) * 3 + POP + PUSH + PUSH + NOTIFY,
    "split_in_order_batch": hdr(False, in_order=True) + good_chain(2) * 3 + POP + BATCH + NOTIFY,
    "split_loop": hdr(False) + desc(0, 0, buf_addr(), 16, 1, 1) + desc(1, 0, buf_addr(), 16, 1, 0) + bytes([2, 0, 0, 0, 0, 0]) + POP,
    "split_next_oob": hdr(False) + desc(0, 0, buf_addr(), 16, 1, 200) + bytes([2, 0, 0, 0, 0, 0]) + POP,
    "split_indirect": hdr(False, indirect=True) + bytes([3, 0, 0, 1]) + buf_addr() + bytes([0x40, 0, 0, 0])
        + desc(0, 0, buf_addr(0x0000), 16, 4, 0) + bytes([2, 0, 0, 0, 0, 0]) + POP + PUSH,
    "split_outside": hdr(False) + desc(0, 0, bytes([0, 3]), 64, 0, 0) + bytes([2, 0, 0, 0, 0, 0]) + POP,
    "split_idx_jump": hdr(False) + bytes([2, 0, 0, 0, 0, 0]) + bytes([2, 0, 0, 0, 0, 0, 0xff, 0x7f]) + POP,
    "packed_roundtrip": hdr(True) + good_chain(1) + POP + PUSH + NOTIFY,
    "packed_chain4": hdr(True) + good_chain(4, 7) + POP + PUSH + NOTIFY,
    "packed_odd_size_wrap": hdr(True, qsize=5) + (good_chain(2) + POP + PUSH) * 6 + NOTIFY,
    "packed_event_idx": hdr(True, event_idx=True) + good_chain(1) * 2 + POP + PUSH + NOTIFY + SUPPRESS,
    "packed_notif_data": hdr(True, notif=True) + good_chain(1) + NOTIF_DATA + struct.pack("<I", 1 << 16) + POP,
    "packed_in_order": hdr(True, in_order=True) + good_chain(1, 1) + good_chain(1, 2) + POP + BATCH,
    "packed_indirect": hdr(True, indirect=True) + bytes([3, 0, 0, 1]) + buf_addr() + bytes([0x40, 0, 0, 2]) + POP,
    "reset_midway": hdr(False) + good_chain(1) + POP + bytes([11]) + good_chain(1) + POP + PUSH,
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print(f"make_seeds: wrote {len(seeds)} seeds to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
