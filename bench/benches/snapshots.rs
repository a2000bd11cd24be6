//! Snapshot costs for a 10-player room in steady play: encoding and decoding a full
//! snapshot and a one-tick delta through the real codec, building the delta (`diff`) and
//! applying it (`apply`).

use std::hint::black_box;

use bench::rig::{self, Fixture};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use snake::{SnakeDelta, SnakeState};
use tickwire::Diff;
use tickwire::codec;

const PLAYERS: u16 = 10;

fn fixture() -> Fixture {
    match rig::fixture(PLAYERS, 300, 11) {
        Ok(fixture) => fixture,
        Err(e) => panic!("cannot build the fixture: {e}"),
    }
}

fn snapshots(c: &mut Criterion) {
    let f = fixture();
    let mut group = c.benchmark_group("snapshot_10_players");

    group.throughput(Throughput::Bytes(f.full_bytes.len() as u64));
    group.bench_function("encode_full", |b| {
        let mut buf = Vec::with_capacity(4096);
        b.iter(|| {
            buf.clear();
            codec::encode_into(&rig::full_message(black_box(&f.next)), &mut buf).ok();
            buf.len()
        });
    });
    group.bench_function("decode_full", |b| {
        b.iter(|| codec::decode_server::<SnakeState, SnakeDelta>(black_box(&f.full_bytes)).ok());
    });

    group.throughput(Throughput::Bytes(f.delta_bytes.len() as u64));
    group.bench_function("encode_delta", |b| {
        let mut buf = Vec::with_capacity(4096);
        b.iter(|| {
            buf.clear();
            codec::encode_into(&rig::delta_message(black_box(&f.delta)), &mut buf).ok();
            buf.len()
        });
    });
    group.bench_function("decode_delta", |b| {
        b.iter(|| codec::decode_server::<SnakeState, SnakeDelta>(black_box(&f.delta_bytes)).ok());
    });

    group.throughput(Throughput::Elements(1));
    group.bench_function("diff", |b| {
        b.iter(|| Diff::diff(black_box(&f.base), black_box(&f.next)));
    });
    group.bench_function("apply", |b| {
        b.iter(|| Diff::apply(black_box(&f.base), black_box(&f.delta)).ok());
    });
    group.finish();
}

criterion_group!(benches, snapshots);
criterion_main!(benches);
