//! Which entity is each player's, for any game: the index every game's `add_player`,
//! `remove_player`, `apply_input` and `snapshot` need, kept in player-id order so that
//! iterating it (for snapshots, or to consume a room's random stream) is deterministic.

use std::collections::BTreeMap;

use bevy_ecs::{entity::Entity, resource::Resource, world::World};

use tickwire::PlayerId;

/// A room's players and their entities, as a `bevy_ecs` resource. A game inserts it in
/// `build_room` and keeps it in step with the entities it spawns and despawns.
#[derive(Resource, Debug, Clone, Default, PartialEq, Eq)]
pub struct Roster(BTreeMap<PlayerId, Entity>);

impl Roster {
    /// `player`'s entity, if seated.
    pub fn get(&self, player: PlayerId) -> Option<Entity> {
        self.0.get(&player).copied()
    }

    /// Whether `player` is seated.
    pub fn contains(&self, player: PlayerId) -> bool {
        self.0.contains_key(&player)
    }

    /// Seats `player` as `entity`.
    pub fn insert(&mut self, player: PlayerId, entity: Entity) {
        self.0.insert(player, entity);
    }

    /// Unseats `player`, returning its entity.
    pub fn remove(&mut self, player: PlayerId) -> Option<Entity> {
        self.0.remove(&player)
    }

    /// Every seated player's entity, in player-id order.
    pub fn entities(&self) -> impl Iterator<Item = Entity> + '_ {
        self.0.values().copied()
    }

    /// `player`'s entity in `world`'s roster, if there is one and the player is seated.
    pub fn entity_of(world: &World, player: PlayerId) -> Option<Entity> {
        world.get_resource::<Roster>()?.get(player)
    }

    /// Unseats `player` from `world`'s roster and despawns its entity, if it had one.
    pub fn despawn(world: &mut World, player: PlayerId) {
        let entity = world
            .get_resource_mut::<Roster>()
            .and_then(|mut roster| roster.remove(player));
        if let Some(entity) = entity {
            world.despawn(entity);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn players_are_kept_in_id_order_and_despawned_with_their_entity() {
        let mut world = World::new();
        let (a, b) = (world.spawn_empty().id(), world.spawn_empty().id());
        let mut roster = Roster::default();
        roster.insert(PlayerId(9), a);
        roster.insert(PlayerId(2), b);
        assert_eq!(roster.entities().collect::<Vec<_>>(), [b, a]);
        world.insert_resource(roster);
        assert_eq!(Roster::entity_of(&world, PlayerId(9)), Some(a));
        Roster::despawn(&mut world, PlayerId(9));
        assert_eq!(Roster::entity_of(&world, PlayerId(9)), None);
        assert!(world.get_entity(a).is_err(), "the entity went too");
        assert!(world.resource::<Roster>().contains(PlayerId(2)));
    }
}
