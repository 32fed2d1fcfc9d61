//! Reading a list file from disk in bounded memory ([`crate::read_unit_streaming`]): the file is
//! read through a `BufReader` (and a streaming gzip decoder for `.gz`), as often as its reader
//! needs to pass over it, and its SHA-256 is computed on the way.

use crate::{detect, Error, Format, Result, Source};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use ward_model::{Entity, ParsedList, SourceFile};

/// How many decoded bytes detection looks at: `detect` reads the first 8 KiB after a byte order
/// mark, and a zip or xlsx is told by its first bytes.
const HEAD_BYTES: usize = 8192 + 3;

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZIP_MAGIC: &[u8] = b"PK";

/// The file's SHA-256 and size, computed by whichever pass reads it first.
#[derive(Default)]
struct FileDigest {
    sha256: Sha256,
    size: u64,
}

/// Feeds every byte read from `inner` to a shared [`FileDigest`].
struct HashingReader<R> {
    inner: R,
    digest: Rc<RefCell<FileDigest>>,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut digest = self.digest.borrow_mut();
        digest.sha256.update(&buf[..n]);
        digest.size += n as u64;
        Ok(n)
    }
}

/// The decoded content of one list file on disk, opened once per pass.
pub(crate) struct Content {
    path: PathBuf,
    /// The file as the user named it: the name of its [`SourceFile`].
    original_name: String,
    /// The name of the decoded content (without `.gz`), used in diagnostics.
    name: String,
    gzip: bool,
    /// Filled by the first pass that reads the file to its end.
    digest: RefCell<Option<Rc<RefCell<FileDigest>>>>,
}

impl Content {
    /// The name of the decoded content, as diagnostics cite it.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    fn open_file(&self) -> Result<File> {
        File::open(&self.path).map_err(|source| Error::Io { file: self.original_name.clone(), source })
    }

    /// A new reader over the decoded content. The first one also computes the file's digest.
    pub(crate) fn open(&self) -> Result<Box<dyn BufRead + '_>> {
        let file = self.open_file()?;
        let raw: Box<dyn Read> = if self.digest.borrow().is_none() {
            let digest = Rc::new(RefCell::new(FileDigest::default()));
            *self.digest.borrow_mut() = Some(digest.clone());
            Box::new(HashingReader { inner: file, digest })
        } else {
            Box::new(file)
        };
        Ok(if self.gzip {
            Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(BufReader::new(raw))))
        } else {
            Box::new(BufReader::new(raw))
        })
    }

    /// The error for a failed read of the decoded content, as [`crate::read_unit`] words it.
    pub(crate) fn read_error(&self, error: io::Error) -> Error {
        if self.gzip {
            Error::malformed(&self.original_name, "gzip", format!("cannot decompress: {error}"))
        } else {
            Error::Io { file: self.original_name.clone(), source: error }
        }
    }

    /// Calls `each` with every non-empty line (trimmed, byte order mark dropped), its number
    /// (from 1, counting empty lines) and whether it is the last line (no line break after it).
    pub(crate) fn for_each_line(&self, mut each: impl FnMut(&[u8], usize, bool) -> Result<()>) -> Result<()> {
        let mut reader = self.open()?;
        let mut buffer = Vec::new();
        let mut line_no = 0;
        loop {
            buffer.clear();
            let n = reader.read_until(b'\n', &mut buffer).map_err(|e| self.read_error(e))?;
            if n == 0 {
                return Ok(());
            }
            line_no += 1;
            let mut line = buffer.as_slice();
            if line_no == 1 {
                line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
            }
            let last = !buffer.ends_with(b"\n");
            let line = line.trim_ascii();
            if !line.is_empty() {
                each(line, line_no, last)?;
            }
        }
    }

    /// The file's source record: its SHA-256 and size, from the pass that read it whole, or
    /// from a pass of its own when none did.
    fn source_file(&self) -> Result<SourceFile> {
        let length = std::fs::metadata(&self.path)
            .map_err(|source| Error::Io { file: self.original_name.clone(), source })?
            .len();
        let digest = self.digest.borrow_mut().take();
        let digest = match digest.map(|d| Rc::try_unwrap(d).map(RefCell::into_inner)) {
            Some(Ok(digest)) if digest.size == length => digest,
            _ => {
                let mut digest = FileDigest::default();
                let mut reader = BufReader::new(self.open_file()?);
                loop {
                    let buffer = reader
                        .fill_buf()
                        .map_err(|e| Error::Io { file: self.original_name.clone(), source: e })?;
                    if buffer.is_empty() {
                        break;
                    }
                    digest.sha256.update(buffer);
                    digest.size += buffer.len() as u64;
                    let n = buffer.len();
                    reader.consume(n);
                }
                digest
            }
        };
        Ok(SourceFile {
            name: self.original_name.clone(),
            sha256: hex::encode(digest.sha256.finalize()),
            size: digest.size,
        })
    }
}

/// Reads the first `limit` bytes of `reader`, or all of it when shorter.
fn read_head(reader: &mut dyn Read, limit: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(limit);
    reader.take(limit as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// See [`crate::read_unit_streaming`].
pub(crate) fn read_unit(path: &Path, sink: &mut dyn FnMut(Entity)) -> Result<ParsedList> {
    if path.is_dir() {
        return whole(path, sink);
    }
    let original_name = path.display().to_string();
    let magic = {
        let mut file =
            File::open(path).map_err(|source| Error::Io { file: original_name.clone(), source })?;
        read_head(&mut file, GZIP_MAGIC.len())
            .map_err(|source| Error::Io { file: original_name.clone(), source })?
    };
    if magic.starts_with(ZIP_MAGIC) {
        return whole(path, sink);
    }
    let gzip = magic.starts_with(GZIP_MAGIC);
    let name = if gzip {
        original_name.strip_suffix(".gz").unwrap_or(&original_name).to_string()
    } else {
        original_name.clone()
    };
    let content = Content { path: path.to_path_buf(), original_name, name, gzip, digest: RefCell::new(None) };
    let head = {
        let mut reader = content.open()?;
        read_head(&mut reader, HEAD_BYTES).map_err(|e| content.read_error(e))?
    };
    // Nested archives are rare and small: the whole-file reader unwraps them.
    if gzip && (head.starts_with(GZIP_MAGIC) || head.starts_with(ZIP_MAGIC)) {
        return whole(path, sink);
    }
    *content.digest.borrow_mut() = None;
    let format = detect(&Source { name: content.name.clone(), bytes: head })?;
    let name = content.name();
    let mut list = match format {
        Format::FtmJson => crate::ftm::read_streaming(&content, sink)?,
        Format::UnXml => crate::un_xml::parse_from(content.open()?, name, sink)?,
        Format::EuFsfXml => crate::eu_fsf::parse_from(content.open()?, name, sink)?,
        Format::UkFcdoXml => crate::uk_fcdo::parse_from(content.open()?, name, sink)?,
        Format::CaSemaXml => crate::ca_sema::parse_from(content.open()?, name, sink)?,
        _ => return whole(path, sink),
    };
    list.format = format.name().to_string();
    list.sources = vec![content.source_file()?];
    Ok(list)
}

/// Runs a reader that hands its entities to a sink with one that collects them, giving the
/// list with its entities (how the whole-file readers use the streaming ones).
pub(crate) fn collect(read: impl FnOnce(&mut dyn FnMut(Entity)) -> Result<ParsedList>) -> Result<ParsedList> {
    let mut entities = Vec::new();
    let mut list = read(&mut |entity| entities.push(entity))?;
    list.entities = entities;
    Ok(list)
}

/// Reads the unit whole with [`crate::read_unit`], then hands its entities over one by one
/// (a delta list keeps them).
fn whole(path: &Path, sink: &mut dyn FnMut(Entity)) -> Result<ParsedList> {
    let mut list = crate::read_unit(path)?;
    if !list.meta.delta {
        std::mem::take(&mut list.entities).into_iter().for_each(sink);
    }
    Ok(list)
}

#[cfg(test)]
mod tests;
