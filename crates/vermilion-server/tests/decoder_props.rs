//! Property tests of the request decoder: no input makes it panic, and how bytes are split
//! across reads never changes what it decodes.

use proptest::prelude::*;
use vermilion_server::resp::{Limits, ProtocolError, RequestDecoder};

/// What a decoder makes of some input: the requests, then the error that stopped it (if any).
#[derive(Debug, PartialEq)]
struct Outcome {
    requests: Vec<Vec<Vec<u8>>>,
    error: Option<ProtocolError>,
}

fn decode_in_chunks(input: &[u8], cuts: &[usize], limits: Limits) -> Outcome {
    let mut decoder = RequestDecoder::new();
    let mut requests = Vec::new();
    let mut bounds: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
    bounds.push(0);
    bounds.push(input.len());
    bounds.sort_unstable();
    for window in bounds.windows(2) {
        decoder.extend(&input[window[0]..window[1]]);
        loop {
            match decoder.next_request(&limits) {
                Ok(Some(request)) => {
                    let argv = request.with_argv(|argv| argv.iter().map(|a| a.to_vec()).collect::<Vec<_>>());
                    assert_eq!(argv, request.to_vec());
                    assert!(!argv.is_empty(), "empty requests are never handed out");
                    requests.push(argv);
                }
                Ok(None) => break,
                Err(error) => return Outcome { requests, error: Some(error) },
            }
        }
    }
    Outcome { requests, error: None }
}

/// Bytes that look enough like RESP to reach deep into the decoder.
fn resp_like() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just(b"*".to_vec()),
        Just(b"$".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"'".to_vec()),
        Just(b"\\x4".to_vec()),
        Just(b" ".to_vec()),
        Just(b"\0".to_vec()),
        Just(b"-1".to_vec()),
        (0u32..20).prop_map(|n| n.to_string().into_bytes()),
        proptest::collection::vec(any::<u8>(), 0..8),
    ];
    proptest::collection::vec(token, 0..40).prop_map(|tokens| tokens.concat())
}

/// Well-formed requests, as a client library would send them.
fn valid_requests() -> impl Strategy<Value = (Vec<u8>, Vec<Vec<Vec<u8>>>)> {
    let arg = proptest::collection::vec(any::<u8>(), 0..20);
    let request = proptest::collection::vec(arg, 1..6);
    proptest::collection::vec(request, 0..10).prop_map(|requests| {
        let mut bytes = Vec::new();
        for request in &requests {
            bytes.extend(format!("*{}\r\n", request.len()).into_bytes());
            for arg in request {
                bytes.extend(format!("${}\r\n", arg.len()).into_bytes());
                bytes.extend_from_slice(arg);
                bytes.extend_from_slice(b"\r\n");
            }
        }
        (bytes, requests)
    })
}

fn small_limits() -> impl Strategy<Value = Limits> {
    (prop_oneof![Just(512 * 1024 * 1024u64), 0u64..40], any::<bool>())
        .prop_map(|(max_bulk_len, unauthenticated)| Limits { max_bulk_len, unauthenticated })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(input in proptest::collection::vec(any::<u8>(), 0..300), cuts in proptest::collection::vec(any::<usize>(), 0..6)) {
        decode_in_chunks(&input, &cuts, Limits::default());
    }

    #[test]
    fn splitting_never_changes_the_outcome(input in resp_like(), cuts in proptest::collection::vec(any::<usize>(), 0..8), limits in small_limits()) {
        let whole = decode_in_chunks(&input, &[], limits);
        let split = decode_in_chunks(&input, &cuts, limits);
        prop_assert_eq!(whole, split);
    }

    #[test]
    fn well_formed_requests_come_back_unchanged((input, expected) in valid_requests(), cuts in proptest::collection::vec(any::<usize>(), 0..8)) {
        let outcome = decode_in_chunks(&input, &cuts, Limits::default());
        prop_assert_eq!(outcome, Outcome { requests: expected, error: None });
    }
}
