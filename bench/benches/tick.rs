//! One room tick with N players, as the server's sim thread runs it: the rules, the
//! state's history, one diff per baseline age, and a snapshot encoded for every player.
//! Bots steer and clients acknowledge between ticks, outside the timing. `room_tick` only
//! stores each encoded snapshot in its channel; `room_tick_with_readers` also has a task
//! per player waiting on that channel, as server sessions do, so the tick pays for waking
//! them. `tickbench` reports the same ticks' percentiles.

use std::time::{Duration, Instant};

use bench::rig::TickRig;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// Ticks played before timing starts, so snakes are long and acks flow.
const WARM_UP_TICKS: usize = 300;

/// Tokio worker threads for the reader tasks, as the server runs on a 2-core machine.
const READER_THREADS: usize = 2;

fn room_tick(c: &mut Criterion) {
    for readers in [false, true] {
        let name = if readers {
            "room_tick_with_readers"
        } else {
            "room_tick"
        };
        bench_group(c, name, readers);
    }
}

fn bench_group(c: &mut Criterion, name: &str, readers: bool) {
    let mut group = c.benchmark_group(name);
    for players in [2u16, 10, 50] {
        let mut rig = TickRig::new(1, players, 5);
        if readers {
            rig = match rig.with_readers(READER_THREADS) {
                Ok(rig) => rig,
                Err(e) => panic!("cannot start the reader runtime: {e}"),
            };
        }
        rig.warm_up(WARM_UP_TICKS);
        group.throughput(Throughput::Elements(u64::from(players)));
        group.bench_with_input(BenchmarkId::from_parameter(players), &players, |b, _| {
            b.iter_custom(|iterations| {
                let mut spent = Duration::ZERO;
                for _ in 0..iterations {
                    let started = Instant::now();
                    rig.tick();
                    spent += started.elapsed();
                    rig.between_ticks();
                }
                spent
            });
        });
    }
    group.finish();
}

criterion_group!(benches, room_tick);
criterion_main!(benches);
