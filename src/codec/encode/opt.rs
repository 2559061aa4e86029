//! The optimal parser of liblz4's HC levels 10-12 (`LZ4HC_compress_optimal`):
//! prices every way to reach each position of a stretch of up to
//! [`OPT_NUM`] bytes with literals and matches, in output bytes, and encodes
//! the cheapest path. Matches come from the hash-chain tables of `hc.rs`.

use super::bytes::Bytes;
use super::hc::{HcTables, Match};
use super::sequence::SequenceWriter;
use super::{MFLIMIT, MIN_LENGTH, MIN_MATCH};

/// The longest stretch priced at once (liblz4's `LZ4_OPT_NUM`).
pub(crate) const OPT_NUM: usize = 1 << 12;
/// Literal-only positions priced after the last match end.
const TRAILING_LITERALS: usize = 3;

/// The cheapest known way to reach one position of the stretch.
///
/// 16 bytes, as liblz4's `LZ4HC_optimal_t`: the parser writes a node for
/// every length of every match it prices, over stretches of up to
/// [`OPT_NUM`] positions, and with `usize` fields (32 bytes, 128 KiB for a
/// whole stretch) prose at HC-11 with 64 KiB pages took 1.4 % more
/// instructions and 43 % more first-level cache write misses (callgrind),
/// and ran 0.96x-0.99x of liblz4 at HC-11 and HC-12 where it now runs
/// 0.97x-1.02x. Every field fits: an offset is at most 65 535, a length at
/// most a stretch or a block (under 2^31 bytes, see `limits.rs`).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Node {
    price: i32,
    off: u32,
    /// 1 means "a literal".
    mlen: u32,
    litlen: u32,
}

impl Node {
    #[inline(always)]
    fn new(price: i32, off: usize, mlen: usize, litlen: usize) -> Node {
        Node {
            price,
            off: off as u32,
            mlen: mlen as u32,
            litlen: litlen as u32,
        }
    }

    #[inline(always)]
    fn off(&self) -> usize {
        self.off as usize
    }

    #[inline(always)]
    fn mlen(&self) -> usize {
        self.mlen as usize
    }

    #[inline(always)]
    fn litlen(&self) -> usize {
        self.litlen as usize
    }
}

/// Nodes for one stretch, reused across blocks.
pub(crate) fn nodes() -> Vec<Node> {
    vec![Node::default(); OPT_NUM + TRAILING_LITERALS + 1]
}

/// Bytes `litlen` literals cost, length bytes included.
#[inline]
fn literals_price(litlen: usize) -> i32 {
    let mut price = litlen;
    if litlen >= 15 {
        price += 1 + (litlen - 15) / 255;
    }
    price as i32
}

/// Bytes a sequence of `litlen` literals and an `mlen`-byte match costs
/// (`mlen` 0: the sequence without its match's extra length bytes).
#[inline]
fn sequence_price(litlen: usize, mlen: usize) -> i32 {
    1 + 2 + literals_price(litlen) + match_length_price(mlen)
}

/// The extra length bytes of an `mlen`-byte match.
#[inline]
fn match_length_price(mlen: usize) -> i32 {
    if mlen >= 15 + MIN_MATCH {
        1 + ((mlen - (15 + MIN_MATCH)) / 255) as i32
    } else {
        0
    }
}

/// Search parameters of one level.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OptParams {
    /// Chain candidates per search.
    pub(crate) attempts: u32,
    /// A match this long is taken at once.
    pub(crate) sufficient_len: usize,
    /// Search at every position whose price could still improve (level 12).
    pub(crate) full_update: bool,
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn compress_optimal<'a>(
    tables: &mut HcTables,
    opt: &mut [Node],
    src: impl Bytes<'a>,
    base: u32,
    start: usize,
    low: usize,
    params: OptParams,
    out: &mut [u8],
) -> Option<usize> {
    let end = src.len();
    debug_assert!(
        end - start >= MIN_LENGTH,
        "the encoder stores short chunks itself"
    );
    let mut out = SequenceWriter::new(out, start, low, end);
    tables.begin(base + low as u32);
    let mflimit = end - MFLIMIT;
    let match_limit = end - super::LAST_LITERALS;
    let sufficient = params.sufficient_len.min(OPT_NUM - 1);
    let find = |tables: &mut HcTables, ip: usize, min_len: usize| -> Match {
        let found = tables.wider_match::<true, true>(
            src,
            base,
            low,
            ip,
            ip,
            match_limit,
            min_len,
            params.attempts,
        );
        if found.len <= min_len {
            Match::default()
        } else {
            found
        }
    };

    let mut ip = start;
    let mut anchor = start;
    while ip <= mflimit {
        let llen = ip - anchor;
        let first = find(tables, ip, MIN_MATCH - 1);
        if first.len == 0 {
            ip += 1;
            continue;
        }
        if first.len > sufficient {
            // Good enough: no need to price alternatives.
            out.sequence(src.literals(), ip, first.off, first.len);
            ip += first.len;
            anchor = ip;
            continue;
        }

        for (rpos, node) in opt.iter_mut().enumerate().take(MIN_MATCH) {
            *node = Node::new(literals_price(llen + rpos), 0, 1, llen + rpos);
        }
        for (mlen, node) in opt
            .iter_mut()
            .enumerate()
            .take(first.len + 1)
            .skip(MIN_MATCH)
        {
            *node = Node::new(sequence_price(llen, mlen), first.off, mlen, llen);
        }
        let mut last = first.len;
        trailing_literals(opt, last);

        let mut cur = 1;
        let mut best: Option<(usize, usize)> = None;
        while cur < last {
            let cur_ip = ip + cur;
            if cur_ip > mflimit {
                break;
            }
            let skip = if params.full_update {
                // The next position is as cheap, and a short match here would
                // not beat the price a few bytes on.
                opt[cur + 1].price <= opt[cur].price
                    && opt[cur + MIN_MATCH].price < opt[cur].price + 3
            } else {
                opt[cur + 1].price <= opt[cur].price
            };
            if skip {
                cur += 1;
                continue;
            }
            let found = if params.full_update {
                find(tables, cur_ip, MIN_MATCH - 1)
            } else {
                find(tables, cur_ip, last - cur)
            };
            if found.len == 0 {
                cur += 1;
                continue;
            }
            if found.len > sufficient || found.len + cur >= OPT_NUM {
                // Take this match at once.
                best = Some((found.len, found.off));
                last = cur + 1;
                break;
            }

            // Literals after `cur`.
            let base_lit = opt[cur].litlen();
            for litlen in 1..MIN_MATCH {
                let price =
                    opt[cur].price - literals_price(base_lit) + literals_price(base_lit + litlen);
                let pos = cur + litlen;
                if price < opt[pos].price {
                    opt[pos] = Node::new(price, 0, 1, base_lit + litlen);
                }
            }
            // The match at `cur`, at every length. What reaching `cur` and
            // the literals before the match cost is the same for every
            // length, and `opt[cur]` is not written here (every length is
            // at least `MIN_MATCH`), so it is worked out once; `last` can
            // change only at the longest length, which is priced after the
            // loop, so the loop compares with its value from before. liblz4
            // reads `opt[cur]` at every length, as this loop did with each
            // node's index checked: HC-12 with 64 KiB pages took 22 % (HTML)
            // and 12 % (prose) more instructions and ran 0.94x-0.97x of
            // liblz4, where it now runs 1.01x-1.04x.
            let (ll, before) = if opt[cur].mlen == 1 {
                let ll = opt[cur].litlen();
                (ll, if cur > ll { opt[cur - ll].price } else { 0 })
            } else {
                (0, opt[cur].price)
            };
            let fixed = before + sequence_price(ll, 0);
            let first = cur + MIN_MATCH;
            let end = cur + found.len;
            let fresh_from = last + TRAILING_LITERALS;
            for (pos, node) in (first..).zip(&mut opt[first..end]) {
                let ml = pos - cur;
                let price = fixed + match_length_price(ml);
                if pos > fresh_from || price <= node.price {
                    *node = Node::new(price, found.off, ml, ll);
                }
            }
            // The longest length, the only one that can move `last`.
            let price = fixed + match_length_price(found.len);
            if end > fresh_from || price <= opt[end].price {
                opt[end] = Node::new(price, found.off, found.len, ll);
                last = last.max(end);
            }
            trailing_literals(opt, last);
            cur += 1;
        }

        let (best_len, best_off) = match best {
            Some(best) => best,
            None => {
                let node = opt[last];
                cur = last - node.mlen();
                (node.mlen(), node.off())
            }
        };

        // Walk back from the end, turning the path into forward links.
        let mut candidate = cur;
        let mut selected_len = best_len;
        let mut selected_off = best_off;
        loop {
            let next_len = opt[candidate].mlen();
            let next_off = opt[candidate].off();
            opt[candidate].mlen = selected_len as u32;
            opt[candidate].off = selected_off as u32;
            selected_len = next_len;
            selected_off = next_off;
            if next_len > candidate || next_len == 0 {
                break;
            }
            candidate -= next_len;
        }

        let mut rpos = 0;
        while rpos < last {
            let ml = opt[rpos].mlen();
            let off = opt[rpos].off();
            if ml <= 1 {
                ip += 1;
                rpos += 1;
                continue;
            }
            rpos += ml;
            out.sequence(src.literals(), ip, off, ml);
            ip += ml;
            anchor = ip;
        }
    }
    out.finish(src.literals())
}

/// Prices the literal-only positions just after `last`.
#[inline]
fn trailing_literals(opt: &mut [Node], last: usize) {
    for add in 1..=TRAILING_LITERALS {
        opt[last + add] = Node::new(opt[last].price + literals_price(add), 0, 1, add);
    }
}
