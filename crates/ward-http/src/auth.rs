//! API keys on requests: reading them from headers, verifying them against the store (with a
//! short in-memory cache), scopes, and the per-key token-bucket rate limit.

use crate::error::{Error, ErrorCode, Result};
use axum::http::{header, HeaderMap};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use ward_store::{KeyInfo, Scope, Store};

/// Who made a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The key's public id; `None` on a server started with `--no-auth`.
    pub key_id: Option<String>,
}

/// The key in `Authorization: Bearer <key>` or `X-Api-Key: <key>`.
pub(crate) fn key_from(headers: &HeaderMap) -> Option<String> {
    if let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let value = value.trim();
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .or_else(|| value.strip_prefix("ApiKey "))
            .unwrap_or(value);
        return Some(token.trim().to_string());
    }
    headers.get("x-api-key").and_then(|v| v.to_str().ok()).map(|v| v.trim().to_string())
}

/// Verified keys, kept briefly: the store has one connection, and verifying on every request
/// would serialize all requests on it. A key revoked through this server ([`KeyCache::evict`])
/// stops working at once; one revoked elsewhere (the CLI, another replica) within the cache's
/// lifetime.
pub(crate) struct KeyCache {
    ttl: Duration,
    entries: Mutex<CacheEntries>,
}

struct CacheEntries {
    by_secret: HashMap<String, (Option<KeyInfo>, Instant)>,
    /// Counts evictions, so that a lookup that read the store before a revocation does not put
    /// the revoked key back after the eviction.
    generation: u64,
}

/// Most keys cached; past it the cache is cleared (a flood of random keys must not grow it
/// without bound).
const MAX_CACHED_KEYS: usize = 10_000;

impl KeyCache {
    pub(crate) fn new(ttl: Duration) -> KeyCache {
        KeyCache { ttl, entries: Mutex::new(CacheEntries { by_secret: HashMap::new(), generation: 0 }) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CacheEntries> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The cached answer for `secret`, and the generation to hand back to [`KeyCache::put`].
    fn get(&self, secret: &str) -> (Option<Option<KeyInfo>>, u64) {
        let entries = self.lock();
        let key = entries
            .by_secret
            .get(secret)
            .filter(|(_, at)| at.elapsed() < self.ttl)
            .map(|(key, _)| key.clone());
        (key, entries.generation)
    }

    /// Caches the store's answer for `secret`, unless a key was evicted since `generation` was
    /// read (the answer may predate that revocation).
    fn put(&self, secret: &str, key: Option<KeyInfo>, generation: u64) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.lock();
        if entries.generation != generation {
            return;
        }
        if entries.by_secret.len() >= MAX_CACHED_KEYS {
            entries.by_secret.clear();
        }
        entries.by_secret.insert(secret.to_string(), (key, Instant::now()));
    }

    /// Forgets the key with public id `key_id`: call it once the store has revoked the key.
    pub(crate) fn evict(&self, key_id: &str) {
        let mut entries = self.lock();
        entries.generation += 1;
        entries.by_secret.retain(|_, (key, _)| key.as_ref().is_none_or(|key| key.id != key_id));
    }
}

/// Checks the request's key and scope. With auth off, everyone may do everything.
pub(crate) async fn authorize(
    store: &Arc<Store>,
    cache: &KeyCache,
    auth: bool,
    headers: &HeaderMap,
    scope: Scope,
) -> Result<Caller> {
    if !auth {
        return Ok(Caller { key_id: None });
    }
    let secret = key_from(headers).filter(|k| !k.is_empty()).ok_or_else(|| {
        Error::new(ErrorCode::MissingKey, "an API key is required: Authorization: Bearer <key>")
    })?;
    let (cached, generation) = cache.get(&secret);
    let key = match cached {
        Some(key) => key,
        None => {
            let store = Arc::clone(store);
            let lookup = secret.clone();
            let key = tokio::task::spawn_blocking(move || store.verify_key(&lookup))
                .await
                .map_err(Error::internal)??;
            cache.put(&secret, key.clone(), generation);
            key
        }
    };
    let key = key.ok_or_else(|| Error::new(ErrorCode::InvalidKey, "the API key is unknown or revoked"))?;
    if !key.allows(scope) {
        return Err(Error::new(ErrorCode::Forbidden, format!("this route needs a key with scope {scope}")));
    }
    Ok(Caller { key_id: Some(key.id) })
}

/// Token buckets per key: each holds up to `rate` tokens (one second of burst) and refills at
/// `rate` per second.
pub(crate) struct RateLimiter {
    rate: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    pub(crate) fn new(rate: u32) -> RateLimiter {
        RateLimiter { rate: f64::from(rate.max(1)), buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes a token for `caller`, or says how many seconds until one is free.
    pub(crate) fn check(&self, caller: &Caller) -> Result<()> {
        let id = caller.key_id.as_deref().unwrap_or("");
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_CACHED_KEYS && !buckets.contains_key(id) {
            buckets.clear();
        }
        let (tokens, at) = buckets.entry(id.to_string()).or_insert((self.rate, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.rate).min(self.rate);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            let wait = ((1.0 - *tokens) / self.rate).ceil().max(1.0);
            Err(Error::rate_limited(wait as u64))
        }
    }
}
