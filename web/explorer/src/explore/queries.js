// The GraphQL documents the explorer sends. Each names its operation, so the
// service's log and metrics say which view asked.

// What a link or a chip needs to name a node: its kind and short names.
const NODE_SUMMARY = `
  __typename id name
  ... on Instrument { number shortName acronym }
  ... on Body { acronym shortName }
  ... on Project { acronym shortName }
  ... on Country { iso2 }
`;

export const SEARCH = `
query ExplorerSearch($q: String!, $types: [EntityType!], $first: Int, $after: String) {
  search(query: $q, types: $types, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      score
      node {
        ${NODE_SUMMARY}
        ... on Instrument { opened }
        ... on Project { startDate endDate }
        ... on Country { coeStatus }
        ... on Resource { published }
        ... on Event { startDate }
      }
    }
  }
}`;

export const NODE_NAME = `
query ExplorerNodeName($id: ID!) {
  node(id: $id) { ${NODE_SUMMARY} }
}`;

const SOURCES = 'sources { url title retrieved }';
const STEP_WINDOWS = 'signedWindow { from to } ratifiedWindow { from to } entryIntoForceWindow { from to }';
const NAMES = 'nameFr shortName acronym aliases properties';

export const ENTITY = `
query ExplorerEntity($id: ID!) {
  node(id: $id) {
    __typename id name version ${SOURCES}
    ... on Instrument { ${NAMES} number opened openedPlace entryIntoForce }
    ... on Body { ${NAMES} }
    ... on Project { ${NAMES} startDate endDate }
    ... on Country { ${NAMES} iso2 iso3 coeStatus coeAccession coeLeft }
    ... on Resource { ${NAMES} published }
    ... on Event { ${NAMES} startDate endDate }
    ... on MonitoringRound { ${NAMES} }
    ... on Topic { ${NAMES} }
  }
}`;

const NODE_TYPES = ['Instrument', 'Body', 'Project', 'Country', 'Resource', 'Event', 'MonitoringRound', 'Topic'];

// relationsQuery reads a node's relationships. `relations` is a field of
// each concrete type, not of the Node interface, so the fragment names the
// type the node turned out to be.
export function relationsQuery(typename) {
  if (!NODE_TYPES.includes(typename)) throw new Error(`unknown node type ${typename}`);
  return `
query ExplorerRelations($id: ID!, $after: String, $asOf: Date) {
  node(id: $id) {
    ... on ${typename} {
      relations(first: 500, after: $after, asOf: $asOf) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges {
          type direction properties key
          ${SOURCES}
          node { ${NODE_SUMMARY} }
        }
      }
    }
  }
}`;
}

export const NEIGHBOURHOOD = `
query ExplorerNeighbourhood($id: ID!, $asOf: Date, $limit: Int) {
  neighbourhood(id: $id, depth: 1, asOf: $asOf, limit: $limit) {
    truncated
    nodes { ${NODE_SUMMARY} }
    edges { key type from to properties }
  }
}`;

export const SHORTEST_PATH = `
query ExplorerShortestPath($from: ID!, $to: ID!, $maxHops: Int, $asOf: Date) {
  shortestPath(from: $from, to: $to, maxHops: $maxHops, asOf: $asOf) {
    length
    nodes { ${NODE_SUMMARY} }
    edges { key type from to properties ${SOURCES} }
  }
}`;

export const COVERAGE = `
query ExplorerCoverage($instruments: [ID!]!, $asOf: Date) {
  coverage(instruments: $instruments, asOf: $asOf) {
    country { id name iso2 }
    cells {
      instrument { id } status possibleStatus certain statusNote window { from to }
      signed ratified entryIntoForce ${STEP_WINDOWS}
    }
  }
  instruments(where: { id: { in: $instruments } }, first: 20) {
    edges { node { id name number shortName } }
  }
}`;

export const TIMELINE = `
query ExplorerTimeline($instrument: ID!, $action: TreatyAction!, $interval: TimeInterval!) {
  instrument(id: $instrument) { id name number shortName }
  timeline(instrument: $instrument, action: $action, interval: $interval) { period count precision undated }
}`;

// What a treaty row of an entity page shows: the status with how sure the
// sources are of it, and each step's date or, without one, its window.
const TREATY_STEPS = `
  status possibleStatus certain statusNote window { from to }
  signed ratified action entryIntoForce ${STEP_WINDOWS}
  ${SOURCES}
`;

export const COUNTRY_TREATIES = `
query ExplorerCountryTreaties($id: ID!, $after: String) {
  country(id: $id) {
    treaties(first: 500, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { __typename id name number shortName acronym } ${TREATY_STEPS} }
    }
  }
}`;

export const INSTRUMENT_PARTICIPANTS = `
query ExplorerInstrumentParticipants($id: ID!, $after: String) {
  instrument(id: $id) {
    participants(first: 500, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { __typename id name iso2 } ${TREATY_STEPS} }
    }
  }
}`;

// The map's states: members, observers and the one that left, and every
// other state with a step recorded for the treaty (its parties beyond
// Europe), each with its status on the day.
export const MAP_COVERAGE = `
query ExplorerMap($instrument: ID!, $asOf: Date) {
  coverage(instruments: [$instrument], asOf: $asOf, countries: { OR: [
    { coeStatus: { in: [MEMBER, OBSERVER, FORMER_MEMBER] } },
    { treaties: { some: { instrument: { id: { eq: $instrument } } } } }
  ] }) {
    country { id name iso2 iso3 coeStatus }
    cells { status possibleStatus certain statusNote window { from to } }
  }
  instrument(id: $instrument) { id name number shortName }
}`;

// The charts' group-bys. Each asks the API for the groups it draws; the page
// counts nothing itself. Groups cover every result of a connection whatever
// its page, so the connections ask for no edges (first: 0): the API prices a
// group-by by the page it could read, and the charts need none of it.
const BODY_LABEL = '... on Body { acronym shortName } ... on Instrument { number shortName } ... on Project { acronym shortName } ... on Country { iso2 }';

export const CHART_RATIFICATIONS = `
query ExplorerChartRatifications($instruments: [ID!]!, $count: Int!, $asOf: Date) {
  instruments(where: { id: { in: $instruments } }, first: $count) {
    edges { node { id name number shortName
      parties(asOf: $asOf, first: 0) {
        groupBy(keys: [{ edge: "ratified" }], interval: YEAR, first: 200, sort: [{ field: KEY }]) { key count }
      }
    } }
  }
}`;

export const CHART_FUNDERS = `
query ExplorerChartFunders($first: Int!, $asOf: Date) {
  projects(asOf: $asOf, first: 0) {
    aggregate { count }
    groupBy(keys: [{ related: { type: FUNDED_BY, direction: OUTGOING } }], first: $first, sort: [{ field: COUNT, direction: DESC }, { field: KEY }]) {
      key count keyNode { __typename id name ${BODY_LABEL} }
    }
  }
}`;

export const CHART_STATUSES = `
query ExplorerChartStatuses($instrument: ID!, $asOf: Date) {
  instrument(id: $instrument) { id name number shortName
    participants(asOf: $asOf, first: 0) {
      groupBy(keys: [{ status: true }, { certain: true }], first: 20) { key count }
    }
  }
}`;
