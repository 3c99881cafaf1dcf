//! Compress and decompress data in bulk.
//!
//! These methods process all the input data at once.
//! It is therefore best used with relatively small blocks
//! (like small network packets).

mod compressor;
mod decompressor;

#[cfg(test)]
mod tests;

pub use self::compressor::Compressor;
pub use self::decompressor::Decompressor;

use std::cell::RefCell;
use std::io;

// morgue's patch (see vendor/README.md): the one-shot functions below reuse one
// context per thread instead of creating one per call. Creating a context runs
// `cpuid` (zstd checks for BMI2 each time), which traps to the hypervisor in a
// virtual machine: about 10 µs, as long as decompressing a 16 KiB block, and
// tantivy reads every doc-store block through `decompress_to_buffer`.
// `ZSTD_compress2` and `ZSTD_decompressDCtx` start a new frame on every call,
// so nothing of an earlier call, failed or not, reaches the next one.
thread_local! {
    static COMPRESSOR: RefCell<Option<(i32, Compressor<'static>)>> =
        const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<Decompressor<'static>>> =
        const { RefCell::new(None) };
}

/// Runs `f` with this thread's compressor, set to `level`.
fn with_compressor<T>(
    level: i32,
    f: impl FnOnce(&mut Compressor<'static>) -> io::Result<T>,
) -> io::Result<T> {
    COMPRESSOR.with(|cell| {
        // Taken out while in use, so a nested call makes its own.
        let kept = cell.borrow_mut().take();
        let mut compressor = match kept {
            Some((kept_level, c)) if kept_level == level => c,
            Some((_, mut c)) => {
                c.set_compression_level(level)?;
                c
            }
            None => Compressor::new(level)?,
        };
        let result = f(&mut compressor);
        *cell.borrow_mut() = Some((level, compressor));
        result
    })
}

/// Runs `f` with this thread's decompressor.
fn with_decompressor<T>(
    f: impl FnOnce(&mut Decompressor<'static>) -> io::Result<T>,
) -> io::Result<T> {
    DECOMPRESSOR.with(|cell| {
        let kept = cell.borrow_mut().take();
        let mut decompressor = match kept {
            Some(d) => d,
            None => Decompressor::new()?,
        };
        let result = f(&mut decompressor);
        *cell.borrow_mut() = Some(decompressor);
        result
    })
}

/// Compresses a single block of data to the given destination buffer.
///
/// Returns the number of bytes written, or an error if something happened
/// (for instance if the destination buffer was too small).
///
/// [`crate::compress_bound()`] says how large the destination might need to
/// be. Passing a `Vec` instead of a slice works too, and then it is the
/// `Vec`'s *capacity* that bounds the output - so `reserve` what you need
/// rather than `resize`, since the bytes do not have to be initialized.
///
/// A level of `0` uses zstd's default (currently `3`).
pub fn compress_to_buffer(
    source: &[u8],
    destination: &mut [u8],
    level: i32,
) -> io::Result<usize> {
    with_compressor(level, |c| c.compress_to_buffer(source, destination))
}

/// Compresses a block of data and returns the compressed result.
///
/// A level of `0` uses zstd's default (currently `3`).
pub fn compress(data: &[u8], level: i32) -> io::Result<Vec<u8>> {
    with_compressor(level, |c| c.compress(data))
}

/// Decompress a single block of data to the given destination buffer.
///
/// Returns the number of bytes written, or an error if something happened
/// (for instance if the destination buffer was too small).
///
/// [`crate::decompressed_size()`] says how big the result will be, when the
/// frame records it - there is no need to store the size alongside the data
/// yourself. Passing a `Vec` instead of a slice works too, and then it is the
/// `Vec`'s *capacity* that bounds the output, so `reserve` what you need
/// rather than `resize`.
pub fn decompress_to_buffer(
    source: &[u8],
    destination: &mut [u8],
) -> io::Result<usize> {
    with_decompressor(|d| d.decompress_to_buffer(source, destination))
}

/// Decompresses a block of data and returns the decompressed result.
///
/// The decompressed data should be at most `capacity` bytes, or an error will
/// be returned - so `capacity` is the most you are willing to allocate for
/// this, not a guess that has to be right. When the frame records its size,
/// only that much is allocated however large a `capacity` you allow.
///
/// [`crate::decompressed_size()`] gives you that size up front, if you would
/// rather decide for yourself.
pub fn decompress(data: &[u8], capacity: usize) -> io::Result<Vec<u8>> {
    with_decompressor(|d| d.decompress(data, capacity))
}
