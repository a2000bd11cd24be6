//! Who may connect: the overall and per-address connection limits, each place held for as
//! long as the TCP connection (or the WebSocket session it became) lives.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex, PoisonError},
};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Why a connection was turned away at accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// `max_connections` are open.
    Full,
    /// `max_connections_per_ip` are open from this address.
    TooManyFromAddress,
}

/// The connection limits of one server.
#[derive(Debug)]
pub(crate) struct Admission {
    total: Arc<Semaphore>,
    /// Open connections per address; an address leaves the map with its last connection,
    /// so the map never holds more entries than there are connections.
    per_ip: Arc<Mutex<HashMap<IpAddr, usize>>>,
    max_per_ip: usize,
}

/// One admitted connection's place; cloned into the session it is upgraded to, released
/// when the last clone drops.
#[derive(Debug, Clone)]
pub(crate) struct ConnectionPermit(#[expect(dead_code, reason = "held for its Drop")] Arc<Held>);

#[derive(Debug)]
struct Held {
    _total: OwnedSemaphorePermit,
    ip: IpAddr,
    per_ip: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut per_ip = self.per_ip.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = per_ip.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                per_ip.remove(&self.ip);
            }
        }
    }
}

impl Admission {
    pub(crate) fn new(max_total: usize, max_per_ip: usize) -> Self {
        Admission {
            total: Arc::new(Semaphore::new(max_total)),
            per_ip: Arc::new(Mutex::new(HashMap::new())),
            max_per_ip,
        }
    }

    /// A place for a connection from `ip`, or why there is none.
    pub(crate) fn admit(&self, ip: IpAddr) -> Result<ConnectionPermit, Refusal> {
        let total = self
            .total
            .clone()
            .try_acquire_owned()
            .map_err(|_| Refusal::Full)?;
        let mut per_ip = self.per_ip.lock().unwrap_or_else(PoisonError::into_inner);
        let count = per_ip.entry(ip).or_insert(0);
        if *count >= self.max_per_ip {
            if *count == 0 {
                per_ip.remove(&ip);
            }
            return Err(Refusal::TooManyFromAddress);
        }
        *count += 1;
        drop(per_ip);
        Ok(ConnectionPermit(Arc::new(Held {
            _total: total,
            ip,
            per_ip: self.per_ip.clone(),
        })))
    }

    /// Addresses with a connection open now.
    #[cfg(test)]
    fn addresses(&self) -> usize {
        self.per_ip
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_gets_its_share_and_gets_it_back_on_close() {
        let admission = Admission::new(10, 2);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let first = admission.admit(a).unwrap();
        let _second = admission.admit(a).unwrap();
        assert_eq!(admission.admit(a).unwrap_err(), Refusal::TooManyFromAddress);
        let _other = admission.admit(b).unwrap();
        drop(first);
        let _third = admission
            .admit(a)
            .expect("a closed connection frees its place");
        assert_eq!(admission.addresses(), 2);
    }

    #[test]
    fn the_total_limit_holds_across_addresses_and_forgotten_addresses_leave_the_map() {
        let admission = Admission::new(2, 5);
        let held: Vec<_> = (1..=2)
            .map(|i| admission.admit(IpAddr::from([10, 0, 0, i])).unwrap())
            .collect();
        assert_eq!(
            admission.admit(IpAddr::from([10, 0, 0, 9])).unwrap_err(),
            Refusal::Full
        );
        drop(held);
        assert_eq!(admission.addresses(), 0);
    }
}
