//! The document store's codec: the patched `zstd` (vendor/README.md) reuses one context per
//! thread in its one-shot functions, which tantivy's store calls for every block. Reuse must not
//! change a byte: the output is the same as a fresh context's, across level changes, after failed
//! calls, and on several threads at once.

use zstd::bulk::{compress_to_buffer, decompress_to_buffer, Compressor, Decompressor};

/// Text that compresses, different for each seed.
fn payload(seed: usize, len: usize) -> Vec<u8> {
    let words = [
        "senate", "vote", "budget", "the", "of", "Haji", "Bakr", "2016", "said", "\n",
    ];
    let mut out = Vec::with_capacity(len);
    let mut x = seed as u64 * 2_654_435_761 + 1;
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(words[(x % words.len() as u64) as usize].as_bytes());
        out.push(b' ');
    }
    out.truncate(len);
    out
}

/// One block through the one-shot function, as tantivy's store writes it.
fn shared(block: &[u8], level: i32) -> Vec<u8> {
    let mut out = vec![0u8; zstd::zstd_safe::compress_bound(block.len())];
    let n = compress_to_buffer(block, &mut out, level).expect("compresses");
    out.truncate(n);
    out
}

/// The same block through a context of its own.
fn fresh(block: &[u8], level: i32) -> Vec<u8> {
    Compressor::new(level).unwrap().compress(block).unwrap()
}

fn unpack(frame: &[u8], len: usize) -> std::io::Result<Vec<u8>> {
    let mut out = vec![0u8; len];
    let n = decompress_to_buffer(frame, &mut out)?;
    out.truncate(n);
    Ok(out)
}

#[test]
fn a_reused_context_writes_the_bytes_a_fresh_one_writes_whatever_the_level_before() {
    for (i, level) in [9, 9, 3, 19, 1, 9, 0, 9].into_iter().enumerate() {
        let block = payload(i, 4_000 + 3_000 * i);
        assert_eq!(
            shared(&block, level),
            fresh(&block, level),
            "block {i} at level {level}"
        );
    }
}

#[test]
fn a_failed_compression_leaves_nothing_for_the_next() {
    let big = payload(1, 16_384);
    let mut small = vec![0u8; 16];
    assert!(compress_to_buffer(&big, &mut small, 9).is_err());
    let next = payload(2, 9_000);
    assert_eq!(shared(&next, 9), fresh(&next, 9));
}

#[test]
fn blocks_read_in_any_order_come_back_whole() {
    let blocks: Vec<(Vec<u8>, Vec<u8>)> = (0..6)
        .map(|i| {
            let b = payload(10 + i, 1_000 + 5_000 * i);
            let f = shared(&b, if i % 2 == 0 { 9 } else { 3 });
            (b, f)
        })
        .collect();
    for i in [0, 5, 1, 4, 2, 3, 3, 0] {
        let (block, frame) = &blocks[i];
        assert_eq!(&unpack(frame, block.len()).unwrap(), block, "block {i}");
    }
}

#[test]
fn a_damaged_or_cut_block_fails_and_the_next_block_still_reads() {
    let block = payload(3, 12_000);
    let frame = shared(&block, 9);
    let other = payload(4, 7_000);
    let other_frame = shared(&other, 9);

    // Cut short: the frame's end is missing.
    assert!(unpack(&frame[..frame.len() / 2], block.len()).is_err());
    assert_eq!(unpack(&other_frame, other.len()).unwrap(), other);

    // Bytes changed in the middle of the frame.
    let mut damaged = frame.clone();
    let mid = damaged.len() / 2;
    for b in &mut damaged[mid..mid + 8] {
        *b ^= 0x5a;
    }
    match unpack(&damaged, block.len()) {
        Err(_) => {}
        Ok(out) => assert_ne!(out, block, "damage went unnoticed and unchanged"),
    }
    assert_eq!(unpack(&frame, block.len()).unwrap(), block);

    // Too little room for the block.
    assert!(unpack(&frame, block.len() / 3).is_err());
    assert_eq!(unpack(&other_frame, other.len()).unwrap(), other);
    assert_eq!(
        Decompressor::new()
            .unwrap()
            .decompress(&frame, block.len())
            .unwrap(),
        block
    );
}

#[test]
fn threads_each_keep_their_own_context() {
    std::thread::scope(|s| {
        for t in 0..4 {
            s.spawn(move || {
                for i in 0..50 {
                    let level = [9, 3, 1][(t + i) % 3];
                    let block = payload(100 * t + i, 500 + 97 * i);
                    let frame = shared(&block, level);
                    assert_eq!(frame, fresh(&block, level));
                    assert_eq!(unpack(&frame, block.len()).unwrap(), block);
                }
            });
        }
    });
}
