//! The errors of `ward-fetch`: a sources file that cannot be used ([`ConfigError`], before
//! anything is fetched) and a download that failed ([`FetchError`], one source's outcome).

/// The sources file or the sources asked for cannot be used; nothing was fetched.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{file}: cannot read: {source}")]
    Read {
        /// The file.
        file: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML or JSON of the expected shape.
    #[error("{file}: {message}")]
    Syntax {
        /// The file.
        file: String,
        /// What is wrong, and where.
        message: String,
    },
    /// One source entry is unusable.
    #[error("{file}: source {name:?}: {message}")]
    Source {
        /// The file.
        file: String,
        /// The entry's name.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// A source was asked for that the table does not hold.
    #[error("no source {name:?}; the sources are: {known}")]
    UnknownSource {
        /// The name asked for.
        name: String,
        /// The names the table holds.
        known: String,
    },
    /// The HTTP client could not be set up.
    #[error("setting up the HTTP client: {0}")]
    Client(String),
}

/// Why one download failed. URLs in messages are the sources' own (a token stays a placeholder).
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// A URL (given, or a redirect's target) that Ward does not fetch.
    #[error("{url}: refused: only https is fetched (plain http only from a loopback host)")]
    Insecure {
        /// The URL.
        url: String,
    },
    /// The publisher answered with an error status.
    #[error("{url}: HTTP {status}")]
    Status {
        /// The URL answering.
        url: String,
        /// The status, with its reason phrase.
        status: String,
        /// Whether trying again later may succeed (5xx, 408, 429).
        transient: bool,
    },
    /// A redirect without a usable `Location`.
    #[error("{url}: redirect ({status}) without a usable Location header")]
    BadRedirect {
        /// The URL answering.
        url: String,
        /// The status.
        status: u16,
    },
    /// More redirects in a row than allowed.
    #[error("{url}: more than {limit} redirects")]
    TooManyRedirects {
        /// The first URL.
        url: String,
        /// The limit.
        limit: u32,
    },
    /// The file is larger than the size limit.
    #[error("{url}: the file is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The URL.
        url: String,
        /// The limit.
        limit: u64,
    },
    /// Connecting, or receiving the answer, failed or stalled.
    #[error("{url}: {message}")]
    Transfer {
        /// The URL.
        url: String,
        /// What happened.
        message: String,
    },
    /// The publisher answered 200 with an HTML page where a list file was expected.
    #[error("{url}: the publisher sent an HTML page (status 200), not the list file: its site may be down or the file moved")]
    Html {
        /// The URL.
        url: String,
    },
    /// The publisher answered 200 with no content.
    #[error("{url}: the publisher sent an empty file")]
    Empty {
        /// The URL.
        url: String,
    },
    /// The download could not be written to disk.
    #[error("writing the download to {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

impl FetchError {
    /// Whether trying again may succeed: a server error, a rate limit, a stalled or broken
    /// connection. Not a 404, a refused URL, or a wrong file.
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Status { transient, .. } => *transient,
            FetchError::Transfer { .. } => true,
            FetchError::Insecure { .. }
            | FetchError::BadRedirect { .. }
            | FetchError::TooManyRedirects { .. }
            | FetchError::TooLarge { .. }
            | FetchError::Html { .. }
            | FetchError::Empty { .. }
            | FetchError::Io { .. } => false,
        }
    }
}
