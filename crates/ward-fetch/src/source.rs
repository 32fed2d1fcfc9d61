//! The sources: where each official list is published, the built-in table of them, and the
//! operator's file that overrides it (TOML, or JSON by its `.json` extension).

use crate::error::ConfigError;
use crate::http::{self, FetchConfig};
use serde::Deserialize;
use std::path::Path;
use std::time::Duration;

/// The placeholder a source's URL holds where its token goes.
pub const TOKEN_PLACEHOLDER: &str = "{token}";

/// One list and where its publisher puts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The source's name, as `ward lists update NAME` takes it: the dataset it publishes.
    pub name: String,
    /// The URL, with [`TOKEN_PLACEHOLDER`] where a token goes. This form (never the token) is
    /// what messages, the store and version sources show.
    pub url: String,
    /// The file name the download is read under (the readers tell the OFAC SDN CSV from the
    /// consolidated one by it; other formats are told by their content).
    pub file: String,
    /// The dataset the file must hold; a download of another list is refused. A source added
    /// by the operator's file under the name of a dataset Ward knows holds that dataset unless
    /// its entry names another.
    pub dataset: Option<String>,
    /// The environment variable holding the token the URL needs; without it the source is
    /// skipped.
    pub token_env: Option<String>,
}

/// A built-in source: name (the dataset), URL, file name, token variable.
struct Builtin {
    name: &'static str,
    url: &'static str,
    file: &'static str,
    token_env: Option<&'static str>,
}

/// The publishers' own files, in the formats Ward reads. OFAC's enhanced XML is taken zipped
/// (a tenth of the size). The UK list is the FCDO's UK Sanctions List: OFSI's consolidated list
/// closed on 28 January 2026. The EU's Financial Sanctions Files need the token of an account
/// on the EU's FSF portal.
const BUILTIN: &[Builtin] = &[
    Builtin {
        name: "us_ofac_sdn",
        url: "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN_ENHANCED.ZIP",
        file: "SDN_ENHANCED.ZIP",
        token_env: None,
    },
    Builtin {
        name: "us_ofac_cons",
        url: "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONS_ENHANCED.ZIP",
        file: "CONS_ENHANCED.ZIP",
        token_env: None,
    },
    Builtin {
        name: "un_sc_sanctions",
        url: "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
        file: "consolidated.xml",
        token_env: None,
    },
    Builtin {
        name: "gb_fcdo_sanctions",
        url: "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml",
        file: "UK-Sanctions-List.xml",
        token_env: None,
    },
    Builtin {
        name: "eu_fsf",
        url: "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token={token}",
        file: "eu_fsf.xml",
        token_env: Some("WARD_EU_FSF_TOKEN"),
    },
    Builtin {
        name: "ca_dfatd_sema_sanctions",
        url: "https://www.international.gc.ca/world-monde/assets/office_docs/international_relations-relations_internationales/sanctions/sema-lmes.xml",
        file: "sema-lmes.xml",
        token_env: None,
    },
    Builtin {
        name: "ch_seco_sanctions",
        url: "https://www.sesam.search.admin.ch/sesam-search-web/pages/downloadXmlGesamtliste.xhtml?lang=en&action=downloadXmlGesamtlisteAction",
        file: "seco.xml",
        token_env: None,
    },
    Builtin {
        name: "au_dfat_sanctions",
        url: "https://www.dfat.gov.au/sites/default/files/regulation8_consolidated.xlsx",
        file: "regulation8_consolidated.xlsx",
        token_env: None,
    },
    Builtin {
        name: "us_trade_csl",
        url: "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",
        file: "consolidated.csv",
        token_env: None,
    },
];

/// The sources to update and how to fetch them: the built-in table, or it as an operator's
/// file changes it.
#[derive(Debug, Clone)]
pub struct SourceTable {
    /// The sources, in table order.
    pub sources: Vec<Source>,
    /// How to fetch them.
    pub fetch: FetchConfig,
}

impl SourceTable {
    /// The built-in table with the default fetch settings.
    pub fn builtin() -> SourceTable {
        let sources = BUILTIN
            .iter()
            .map(|b| Source {
                name: b.name.to_string(),
                url: b.url.to_string(),
                file: b.file.to_string(),
                dataset: Some(b.name.to_string()),
                token_env: b.token_env.map(str::to_string),
            })
            .collect();
        SourceTable { sources, fetch: FetchConfig::default() }
    }

    /// Reads an operator's file (TOML; JSON when its name ends in `.json`) over the built-in
    /// table.
    pub fn from_file(path: &Path) -> Result<SourceTable, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Read { file: file.clone(), source })?;
        let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let parsed: FileConfig = if is_json {
            serde_json::from_str(&text)
                .map_err(|e| ConfigError::Syntax { file: file.clone(), message: e.to_string() })?
        } else {
            toml::from_str(&text)
                .map_err(|e| ConfigError::Syntax { file: file.clone(), message: e.to_string() })?
        };
        SourceTable::builtin().apply(parsed, &file)
    }

    /// Applies a parsed file: `builtin = false` drops the built-in sources; an entry naming a
    /// source replaces the fields it gives; `enabled = false` removes it; other entries add
    /// sources.
    fn apply(mut self, config: FileConfig, file: &str) -> Result<SourceTable, ConfigError> {
        if !config.builtin {
            self.sources.clear();
        }
        for entry in config.source {
            let invalid = |message: String| ConfigError::Source {
                file: file.to_string(),
                name: entry.name.clone(),
                message,
            };
            let position = self.sources.iter().position(|s| s.name == entry.name);
            if !entry.enabled {
                if let Some(position) = position {
                    self.sources.remove(position);
                }
                continue;
            }
            if entry.name.trim().is_empty() || entry.name.contains(char::is_whitespace) {
                return Err(invalid("a source needs a name without spaces".into()));
            }
            let mut source = match position {
                Some(position) => self.sources.remove(position),
                None => {
                    let url = entry.url.clone().ok_or_else(|| {
                        invalid("no url, and no built-in source of that name to take it from".into())
                    })?;
                    // A source named after a dataset Ward knows publishes that dataset unless
                    // the entry says otherwise.
                    let dataset = ward_model::dataset_info(&entry.name).map(|d| d.name.to_string());
                    Source { name: entry.name.clone(), file: String::new(), url, dataset, token_env: None }
                }
            };
            let url_given = entry.url.is_some();
            if let Some(url) = entry.url {
                source.url = url;
            }
            if let Some(file) = entry.file {
                source.file = file;
            } else if url_given || source.file.is_empty() {
                source.file = file_name_of(&source.url);
            }
            if let Some(dataset) = entry.dataset {
                source.dataset = Some(dataset).filter(|d| !d.is_empty());
            }
            if let Some(token_env) = entry.token_env {
                source.token_env = Some(token_env).filter(|t| !t.is_empty());
            }
            check_source(&source).map_err(invalid)?;
            match position {
                Some(position) => self.sources.insert(position, source),
                None => self.sources.push(source),
            }
        }
        self.fetch = config.http.apply(self.fetch, file)?;
        Ok(self)
    }

    /// The sources named, in the order given; all of them when none is named.
    pub fn select(&self, names: &[String]) -> Result<Vec<Source>, ConfigError> {
        if names.is_empty() {
            return Ok(self.sources.clone());
        }
        names
            .iter()
            .map(|name| {
                self.sources.iter().find(|s| s.name == *name).cloned().ok_or_else(|| {
                    ConfigError::UnknownSource {
                        name: name.clone(),
                        known: self.sources.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", "),
                    }
                })
            })
            .collect()
    }
}

/// The last path segment of a URL, or `download` when it has none.
fn file_name_of(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let after_host = path.split_once("://").map_or(path, |(_, rest)| rest);
    match after_host.split_once('/') {
        Some((_, path)) => {
            path.rsplit('/').next().filter(|s| !s.is_empty()).unwrap_or("download").to_string()
        }
        None => "download".to_string(),
    }
}

/// Checks what a source's fields must satisfy: a URL Ward may fetch, a token placeholder exactly
/// when a token is named, a plain file name.
fn check_source(source: &Source) -> Result<(), String> {
    let resolved = source.url.replace(TOKEN_PLACEHOLDER, "token");
    let url = reqwest::Url::parse(&resolved).map_err(|e| format!("url {:?}: {e}", source.url))?;
    http::check_scheme(&url).map_err(|e| e.to_string())?;
    let has_placeholder = source.url.contains(TOKEN_PLACEHOLDER);
    match (&source.token_env, has_placeholder) {
        (Some(variable), false) => {
            return Err(format!(
                "token_env {variable:?} is set, but the url has no {TOKEN_PLACEHOLDER} for it"
            ))
        }
        (None, true) => {
            return Err(format!("the url holds {TOKEN_PLACEHOLDER}: name the variable with token_env"))
        }
        _ => {}
    }
    let plain = !source.file.is_empty()
        && !source.file.starts_with('.')
        && !source.file.contains(['/', '\\'])
        && !source.file.to_ascii_lowercase().ends_with(".md");
    if !plain {
        return Err(format!(
            "file {:?}: a plain file name is needed (not hidden, not .md, no folders)",
            source.file
        ));
    }
    Ok(())
}

/// An operator's sources file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    /// Whether the built-in sources are kept (changed by the entries) or dropped.
    #[serde(default = "yes")]
    builtin: bool,
    /// The entries (`[[source]]` in TOML, `"source": [...]` in JSON).
    #[serde(default, alias = "sources")]
    source: Vec<SourceEntry>,
    /// Fetch settings.
    #[serde(default)]
    http: HttpEntry,
}

fn yes() -> bool {
    true
}

/// One `[[source]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceEntry {
    name: String,
    url: Option<String>,
    file: Option<String>,
    dataset: Option<String>,
    token_env: Option<String>,
    #[serde(default = "yes")]
    enabled: bool,
}

/// The `[http]` table: fetch settings, each optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HttpEntry {
    connect_timeout_seconds: Option<f64>,
    read_timeout_seconds: Option<f64>,
    total_timeout_seconds: Option<f64>,
    max_bytes: Option<u64>,
    retries: Option<u32>,
    backoff_seconds: Option<f64>,
    max_redirects: Option<u32>,
}

impl HttpEntry {
    fn apply(self, mut config: FetchConfig, file: &str) -> Result<FetchConfig, ConfigError> {
        let seconds = |name: &str, value: Option<f64>, into: &mut Duration| -> Result<(), ConfigError> {
            if let Some(value) = value {
                *into =
                    Duration::try_from_secs_f64(value).ok().filter(|d| !d.is_zero()).ok_or_else(|| {
                        ConfigError::Syntax {
                            file: file.to_string(),
                            message: format!("http.{name} = {value}: a positive number of seconds"),
                        }
                    })?;
            }
            Ok(())
        };
        seconds("connect_timeout_seconds", self.connect_timeout_seconds, &mut config.connect_timeout)?;
        seconds("read_timeout_seconds", self.read_timeout_seconds, &mut config.read_timeout)?;
        seconds("total_timeout_seconds", self.total_timeout_seconds, &mut config.total_timeout)?;
        seconds("backoff_seconds", self.backoff_seconds, &mut config.backoff)?;
        if let Some(max_bytes) = self.max_bytes {
            config.max_bytes = max_bytes;
        }
        if let Some(retries) = self.retries {
            config.retries = retries;
        }
        if let Some(max_redirects) = self.max_redirects {
            config.max_redirects = max_redirects;
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests;
