//! Which entity is each player's, for any game: the index every game's `add_player`,
//! `remove_player`, `apply_input` and `snapshot` need, kept in player-id order so that
//! iterating it (for snapshots, or to consume a room's random stream) is deterministic.

use std::collections::BTreeMap;

use bevy_ecs::{
    bundle::Bundle,
    component::{Component, Mutable},
    entity::Entity,
    resource::Resource,
    world::{EntityRef, Mut, World},
};

use tickwire::PlayerId;

/// A room's players and their entities, as a `bevy_ecs` resource. The runtime puts an empty
/// one in every room ([`new_room`](crate::new_room)); a game keeps it in step with the
/// entities it spawns and despawns, through [`Roster::seat`] and [`Roster::despawn`].
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

    /// `player`'s component `C`, to change, if `player` is seated and its entity has one: where
    /// an input lands.
    pub fn component_mut<C: Component<Mutability = Mutable>>(
        world: &mut World,
        player: PlayerId,
    ) -> Option<Mut<'_, C>> {
        let entity = Self::entity_of(world, player)?;
        world.get_mut::<C>(entity)
    }

    /// `read` of every seated player in `world` and its entity, in player-id order, leaving
    /// out the players it returns `None` for (every player if `world` has no roster): a
    /// game's snapshot of its players, or their scores.
    pub fn each<T>(
        world: &World,
        mut read: impl FnMut(PlayerId, EntityRef<'_>) -> Option<T>,
    ) -> Vec<T> {
        let Some(roster) = world.get_resource::<Roster>() else {
            return Vec::new();
        };
        roster
            .0
            .iter()
            .filter_map(|(&player, &entity)| read(player, world.get_entity(entity).ok()?))
            .collect()
    }

    /// Seats `player` in `world`'s roster as a new entity with `bundle`, unless it is seated
    /// already or `world` has no roster. Returns the new entity.
    pub fn seat<B: Bundle>(world: &mut World, player: PlayerId, bundle: B) -> Option<Entity> {
        if world
            .get_resource::<Roster>()
            .is_none_or(|roster| roster.contains(player))
        {
            return None;
        }
        let entity = world.spawn(bundle).id();
        world.get_resource_mut::<Roster>()?.insert(player, entity);
        Some(entity)
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

    #[derive(bevy_ecs::component::Component)]
    struct Seat;

    #[test]
    fn a_player_is_seated_once_and_only_in_a_world_with_a_roster() {
        let mut world = World::new();
        assert_eq!(
            Roster::seat(&mut world, PlayerId(1), Seat),
            None,
            "no roster"
        );
        assert!(Roster::each(&world, |player, _| Some(player)).is_empty());
        world.insert_resource(Roster::default());
        let second = Roster::seat(&mut world, PlayerId(2), Seat);
        let first = Roster::seat(&mut world, PlayerId(1), Seat);
        assert!(first.is_some() && second.is_some());
        assert_eq!(
            Roster::seat(&mut world, PlayerId(1), Seat),
            None,
            "already seated"
        );
        let spawned = world.query::<&Seat>().iter(&world).count();
        assert_eq!(spawned, 2, "nothing spawned for a seated player");
        let seated: Vec<Entity> = [first, second].into_iter().flatten().collect();
        assert_eq!(Roster::each(&world, |_, entity| Some(entity.id())), seated);
        assert_eq!(
            Roster::each(&world, |player, _| (player == PlayerId(2))
                .then_some(player)),
            [PlayerId(2)],
            "the players read leaves out are left out"
        );
    }
}
