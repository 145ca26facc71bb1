//! ZUNION, ZINTER, ZDIFF and their STORE forms, ZINTERCARD.

use super::*;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum SetOp {
    Union,
    Inter,
    Diff,
}

#[derive(Clone, Copy)]
pub(super) enum Aggregate {
    Sum,
    Min,
    Max,
}

impl Aggregate {
    /// Redis's `zunionInterAggregate`: a NaN sum (inf + -inf) counts as 0.
    fn apply(self, target: &mut f64, value: f64) {
        match self {
            Aggregate::Sum => {
                *target += value;
                if target.is_nan() {
                    *target = 0.0;
                }
            }
            Aggregate::Min => *target = target.min(value),
            Aggregate::Max => *target = target.max(value),
        }
    }
}

/// One input of a set operation: a sorted set, or a plain set whose members all score 1.
#[derive(Clone, Copy)]
pub(super) enum Input<'a> {
    Missing,
    ZSet(&'a ZSetValue),
    Set(&'a SetValue),
}

impl<'a> Input<'a> {
    fn len(self) -> usize {
        match self {
            Input::Missing => 0,
            Input::ZSet(z) => z.len(),
            Input::Set(s) => s.len(),
        }
    }

    fn score(self, member: &[u8]) -> Option<f64> {
        match self {
            Input::Missing => None,
            Input::ZSet(z) => z.score(member),
            Input::Set(s) => s.contains(member).then_some(1.0),
        }
    }

    /// The members with their scores; a plain set's integer members are spelled out.
    fn entries(self) -> Box<dyn Iterator<Item = (Cow<'a, [u8]>, f64)> + 'a> {
        match self {
            Input::Missing => Box::new(std::iter::empty()),
            Input::ZSet(z) => Box::new(z.iter().map(|(m, s)| (Cow::Borrowed(m), s))),
            Input::Set(s) => Box::new(s.iter().map(|member| match member {
                Member::Bytes(bytes) => (Cow::Borrowed(bytes), 1.0),
                Member::Int(_) => (Cow::Owned(member.to_vec()), 1.0),
            })),
        }
    }
}

/// The parsed arguments of a set operation.
pub(super) struct SetOpArgs<'a> {
    keys: &'a [&'a [u8]],
    weights: Vec<f64>,
    aggregate: Aggregate,
    with_scores: bool,
    limit: i64,
}

/// ZUNION numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX] [WITHSCORES]
pub(super) fn zunion(ctx: &mut Ctx) -> CmdResult {
    setop_generic(ctx, SetOp::Union, None)
}

/// ZINTER numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX] [WITHSCORES]
pub(super) fn zinter(ctx: &mut Ctx) -> CmdResult {
    setop_generic(ctx, SetOp::Inter, None)
}

/// ZDIFF numkeys key [key ...] [WITHSCORES]
pub(super) fn zdiff(ctx: &mut Ctx) -> CmdResult {
    setop_generic(ctx, SetOp::Diff, None)
}

/// ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX]
pub(super) fn zunionstore(ctx: &mut Ctx) -> CmdResult {
    let dst = ctx.args.bytes()?;
    setop_generic(ctx, SetOp::Union, Some(dst))
}

/// ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX]
pub(super) fn zinterstore(ctx: &mut Ctx) -> CmdResult {
    let dst = ctx.args.bytes()?;
    setop_generic(ctx, SetOp::Inter, Some(dst))
}

/// ZDIFFSTORE destination numkeys key [key ...]
pub(super) fn zdiffstore(ctx: &mut Ctx) -> CmdResult {
    let dst = ctx.args.bytes()?;
    setop_generic(ctx, SetOp::Diff, Some(dst))
}

/// ZINTERCARD numkeys key [key ...] [LIMIT limit]
pub(super) fn zintercard(ctx: &mut Ctx) -> CmdResult {
    let args = parse_setop(ctx, SetOp::Inter, false, true)?;
    let inputs = borrow_inputs(ctx, args.keys);
    let limit = if args.limit > 0 { args.limit as usize } else { usize::MAX };
    let (smallest, others) = by_cardinality(&inputs);
    let count = smallest
        .entries()
        .filter(|(member, _)| others.iter().all(|other| other.score(member).is_some()))
        .take(limit)
        .count();
    Ok(Reply::Integer(count as i64))
}

/// Parses `numkeys key... [options]` as Redis's `zunionInterDiffGenericCommand`, which looks the
/// keys up (and checks their types) before it reads the options.
pub(super) fn parse_setop<'a>(ctx: &mut Ctx<'a>, op: SetOp, store: bool, cardinality_only: bool) -> Result<SetOpArgs<'a>, Reply> {
    let numkeys = ctx.args.int()?;
    if numkeys < 1 {
        let name = ctx.args.argv()[0].to_ascii_lowercase();
        return Err(Reply::error(format!("ERR at least 1 input key is needed for '{}' command", String::from_utf8_lossy(&name))));
    }
    if numkeys as u64 > ctx.args.remaining() as u64 {
        return Err(errors::SYNTAX);
    }
    let numkeys = numkeys as usize;
    let keys = &ctx.args.rest()[..numkeys];
    for _ in 0..numkeys {
        ctx.args.bytes()?;
    }
    check_inputs(ctx, keys)?;
    let mut args = SetOpArgs { keys, weights: vec![1.0; numkeys], aggregate: Aggregate::Sum, with_scores: false, limit: 0 };
    let weighted = op != SetOp::Diff && !cardinality_only;
    while let Some(word) = ctx.args.peek() {
        ctx.args.bytes()?;
        let remaining = ctx.args.remaining();
        match word.to_ascii_uppercase().as_slice() {
            b"WEIGHTS" if weighted && remaining >= numkeys => {
                for weight in &mut args.weights {
                    *weight = parse_f64(ctx.args.bytes()?).ok_or(Reply::err("ERR weight value is not a float"))?;
                }
            }
            b"AGGREGATE" if weighted && remaining >= 1 => {
                args.aggregate = match ctx.args.keyword()?.as_slice() {
                    b"SUM" => Aggregate::Sum,
                    b"MIN" => Aggregate::Min,
                    b"MAX" => Aggregate::Max,
                    _ => return Err(errors::SYNTAX),
                };
            }
            b"WITHSCORES" if !store && !cardinality_only => args.with_scores = true,
            b"LIMIT" if cardinality_only && remaining >= 1 => {
                args.limit = positive_or(ctx.args.bytes()?, Reply::err("ERR LIMIT can't be negative"))?;
            }
            _ => return Err(errors::SYNTAX),
        }
    }
    Ok(args)
}

/// Looks every input up (lazy expiry, statistics) and checks its type: sorted sets, and plain
/// sets whose members all score 1.
pub(super) fn check_inputs(ctx: &mut Ctx, keys: &[&[u8]]) -> Result<(), Reply> {
    for key in keys {
        match ctx.read(key) {
            None | Some(Value::ZSet(_) | Value::Set(_)) => {}
            Some(_) => return Err(errors::WRONGTYPE),
        }
    }
    Ok(())
}

/// Borrows every input at once (they were looked up by [`check_inputs`]).
pub(super) fn borrow_inputs<'c>(ctx: &'c Ctx, keys: &[&[u8]]) -> Vec<Input<'c>> {
    let db = &ctx.ks.dbs[ctx.client.db];
    keys.iter()
        .map(|key| match db.keys.get(key) {
            Some(Value::ZSet(z)) => Input::ZSet(z),
            Some(Value::Set(s)) => Input::Set(s),
            _ => Input::Missing,
        })
        .collect()
}

/// The smallest input and the others, smallest first (Redis visits inputs in this order, which
/// also decides how floating-point sums are rounded).
pub(super) fn by_cardinality<'a>(inputs: &[Input<'a>]) -> (Input<'a>, Vec<Input<'a>>) {
    let mut sorted = inputs.to_vec();
    sorted.sort_by_key(|input| input.len());
    let smallest = sorted.remove(0);
    (smallest, sorted)
}

pub(super) fn setop_generic(ctx: &mut Ctx, op: SetOp, dst: Option<&[u8]>) -> CmdResult {
    let args = parse_setop(ctx, op, dst.is_some(), false)?;
    let resp3 = ctx.resp3();
    let inputs = borrow_inputs(ctx, args.keys);
    let mut result = match op {
        SetOp::Union => union(&inputs, &args),
        SetOp::Inter => intersection(&inputs, &args),
        SetOp::Diff => difference(&inputs),
    };
    match dst {
        Some(dst) => {
            let members = result.into_iter().map(|(m, s)| (m.into_owned(), s)).collect();
            let event = match op {
                SetOp::Union => "zunionstore",
                SetOp::Inter => "zinterstore",
                SetOp::Diff => "zdiffstore",
            };
            store_result(ctx, dst, members, event)
        }
        None => {
            result.sort_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal).then_with(|| a.0.cmp(&b.0)));
            Ok(members_reply(resp3, result.iter().map(|(m, s)| (&**m, *s)), args.with_scores))
        }
    }
}

/// An input's score times its weight; `0 * inf` counts as 0, as in Redis.
pub(super) fn weighted(score: f64, weight: f64) -> f64 {
    let value = score * weight;
    if value.is_nan() { 0.0 } else { value }
}

pub(super) fn union<'a>(inputs: &[Input<'a>], args: &SetOpArgs) -> Vec<(Cow<'a, [u8]>, f64)> {
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    order.sort_by_key(|&i| inputs[i].len());
    let mut scores: AHashMap<Cow<'a, [u8]>, f64> = AHashMap::new();
    for i in order {
        for (member, score) in inputs[i].entries() {
            let value = weighted(score, args.weights[i]);
            scores.entry(member).and_modify(|total| args.aggregate.apply(total, value)).or_insert(value);
        }
    }
    scores.into_iter().collect()
}

pub(super) fn intersection<'a>(inputs: &[Input<'a>], args: &SetOpArgs) -> Vec<(Cow<'a, [u8]>, f64)> {
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    order.sort_by_key(|&i| inputs[i].len());
    let (first, rest) = order.split_first().expect("at least one input");
    let mut result = Vec::new();
    'members: for (member, score) in inputs[*first].entries() {
        let mut total = weighted(score, args.weights[*first]);
        for &i in rest {
            let Some(other) = inputs[i].score(&member) else { continue 'members };
            args.aggregate.apply(&mut total, weighted(other, args.weights[i]));
        }
        result.push((member, total));
    }
    result
}

pub(super) fn difference<'a>(inputs: &[Input<'a>]) -> Vec<(Cow<'a, [u8]>, f64)> {
    let (first, rest) = inputs.split_first().expect("at least one input");
    first.entries().filter(|(member, _)| rest.iter().all(|other| other.score(member).is_none())).collect()
}
