//! CLIENT TRACKING, CLIENT CACHING, CLIENT GETREDIR, CLIENT TRACKINGINFO: client-side caching
//! (see `crate::tracking` for the table and the invalidation messages).

use std::sync::Arc;

use super::{CmdResult, Ctx};
use crate::reply::{errors, Reply};
use crate::tracking::{overlapping_prefix, ClientTracking, TrackingOptions};

/// CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX prefix ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]
pub(super) fn tracking(ctx: &mut Ctx) -> CmdResult {
    let on = match ctx.args.keyword()?.as_slice() {
        b"ON" => true,
        b"OFF" => false,
        _ => return Err(errors::SYNTAX),
    };
    let mut asked = TrackingOptions::default();
    while !ctx.args.is_empty() {
        match ctx.args.keyword()?.as_slice() {
            b"REDIRECT" => {
                let id = ctx.args.int()?;
                asked.redirect = Some(u64::try_from(id).map_err(|_| Reply::err("ERR The client ID you want redirect to does not exist"))?);
            }
            b"PREFIX" => asked.prefixes.push(ctx.args.bytes()?.to_vec()),
            b"BCAST" => asked.bcast = true,
            b"OPTIN" => asked.optin = true,
            b"OPTOUT" => asked.optout = true,
            b"NOLOOP" => asked.noloop = true,
            _ => return Err(errors::SYNTAX),
        }
    }
    if !on {
        if let Some(previous) = ctx.client.tracking.take() {
            ctx.ks.tracking.disable(ctx.client.id);
            drop(previous);
        }
        return Ok(Reply::OK);
    }
    let current = ctx.client.tracking.as_ref().map(|t| &t.options);
    if current.is_some_and(|c| c.bcast != asked.bcast) {
        return Err(Reply::err(
            "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
        ));
    }
    if !asked.bcast && !asked.prefixes.is_empty() {
        return Err(Reply::err("ERR PREFIX option requires BCAST mode to be enabled"));
    }
    if asked.optin && asked.optout {
        return Err(Reply::err("ERR You can't specify both OPTIN mode and OPTOUT mode"));
    }
    if asked.bcast && (asked.optin || asked.optout) {
        return Err(Reply::err("ERR OPTIN and OPTOUT are not compatible with BCAST"));
    }
    let mode_change = current.is_some_and(|c| (asked.optin && c.optout) || (asked.optout && c.optin));
    if mode_change {
        return Err(Reply::err(
            "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
        ));
    }
    let existing = current.map(|c| c.prefixes.clone()).unwrap_or_default();
    if let Some((new, other, is_existing)) = overlapping_prefix(&asked.prefixes, &existing) {
        let (new, other) = (String::from_utf8_lossy(new), String::from_utf8_lossy(other));
        let whose = if is_existing { "an existing" } else { "another provided" };
        return Err(Reply::error(format!(
            "ERR Prefix '{new}' overlaps with {whose} prefix '{other}'. Prefixes for a single client must not overlap."
        )));
    }
    let target = match asked.redirect {
        Some(id) if id != ctx.client.id => {
            let found = ctx.engine.clients.lock().get(&id).cloned();
            Some(found.ok_or_else(|| Reply::err("ERR The client ID you want redirect to does not exist"))?)
        }
        Some(_) => Some(Arc::clone(ctx.client.shared())),
        None => None,
    };
    // Turning tracking on again adds to what was asked before (prefixes, flags), as in Redis.
    let mut options = asked;
    if let Some(previous) = current {
        options.optin |= previous.optin;
        options.optout |= previous.optout;
        options.noloop |= previous.noloop;
        let mut prefixes = existing;
        prefixes.append(&mut options.prefixes);
        options.prefixes = prefixes;
    }
    let shared = Arc::clone(ctx.client.shared());
    ctx.ks.tracking.enable(&shared, &options, target);
    let caching = ctx.client.tracking.as_ref().and_then(|t| t.caching);
    ctx.client.tracking = Some(ClientTracking { options, caching });
    Ok(Reply::OK)
}

/// CLIENT CACHING YES|NO — whether the next command's reads are tracked (OPTIN / OPTOUT).
pub(super) fn caching(ctx: &mut Ctx) -> CmdResult {
    let answer = ctx.args.keyword()?;
    let Some(tracking) = ctx.client.tracking.as_mut() else {
        return Err(Reply::err(
            "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled",
        ));
    };
    match answer.as_slice() {
        b"YES" if tracking.options.optin => tracking.caching = Some(true),
        b"YES" => return Err(Reply::err("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.")),
        b"NO" if tracking.options.optout => tracking.caching = Some(false),
        b"NO" => return Err(Reply::err("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.")),
        _ => return Err(errors::SYNTAX),
    }
    Ok(Reply::OK)
}

/// CLIENT GETREDIR — -1 when not tracking, 0 when not redirecting.
pub(super) fn getredir(ctx: &mut Ctx) -> CmdResult {
    Ok(Reply::Integer(match &ctx.client.tracking {
        None => -1,
        Some(t) => t.options.redirect.map_or(0, |id| id as i64),
    }))
}

/// CLIENT TRACKINGINFO
pub(super) fn trackinginfo(ctx: &mut Ctx) -> CmdResult {
    let (flags, redirect, prefixes) = match &ctx.client.tracking {
        None => (vec![Reply::bulk("off")], -1, Vec::new()),
        Some(t) => {
            let o = &t.options;
            let mut flags = vec![Reply::bulk("on")];
            for (set, name) in [(o.bcast, "bcast"), (o.optin, "optin"), (o.optout, "optout")] {
                if set {
                    flags.push(Reply::bulk(name));
                }
            }
            match t.caching {
                Some(true) => flags.push(Reply::bulk("caching-yes")),
                Some(false) => flags.push(Reply::bulk("caching-no")),
                None => {}
            }
            if o.noloop {
                flags.push(Reply::bulk("noloop"));
            }
            let redirect = o.redirect.map_or(0, |id| id as i64);
            if redirect > 0 && !ctx.engine.clients.lock().contains_key(&(redirect as u64)) {
                flags.push(Reply::bulk("broken_redirect"));
            }
            // Listed in byte order, as Redis's prefix tree yields them.
            let mut prefixes = o.prefixes.clone();
            prefixes.sort();
            (flags, redirect, prefixes.into_iter().map(Reply::bulk).collect())
        }
    };
    Ok(Reply::Map(vec![
        (Reply::bulk("flags"), Reply::Set(flags)),
        (Reply::bulk("redirect"), Reply::Integer(redirect)),
        (Reply::bulk("prefixes"), Reply::Array(prefixes)),
    ]))
}
