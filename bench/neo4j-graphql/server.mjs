// The @neo4j/graphql side of the benchmark (bench/README.md): the same graph
// served by the Neo4j GraphQL Library, written the way a user of the library
// would write it. Relationship fields are the library's own; questions it has
// no built-in for (treaty status on a day, neighbourhood, shortest path,
// coverage, full-text search) are @cypher fields whose Cypher gives the same
// answers as the service's (graph/neo4jstore).
import http from "node:http";
import net from "node:net";

// Set before the libraries load: some read NODE_ENV once, at import.
process.env.NODE_ENV ??= "production";

// neo4j-driver 5 leaves Nagle's algorithm on for its Bolt sockets, so a small
// message written right after another waits for the server's delayed ACK:
// about 40 ms on most queries here, far more than the library's own work. The
// Go driver the service uses sets TCP_NODELAY, and so do we, so the benchmark
// compares the libraries rather than TCP settings. BOLT_NODELAY=false
// measures the driver as it ships.
if (process.env.BOLT_NODELAY !== "false") {
    const connect = net.connect;
    net.connect = function (...args) {
        return connect.apply(this, args).setNoDelay(true);
    };
}

const { default: neo4j } = await import("neo4j-driver");
const { Neo4jGraphQL } = await import("@neo4j/graphql");
const { createYoga } = await import("graphql-yoga");

// Folds text the way the service's foldName does (lower case, accents
// removed), so name filters and exact search matches compare with the stored
// nameKeys. Cypher has no "remove marks" function: combining diacritics
// (U+0300..U+036F) are dropped one character at a time.
const fold = (x) => `normalize(reduce(acc = '', ch IN split(normalize(toLower(trim(${x})), NFD), '') |
    acc + CASE WHEN ch >= '\\u0300' AND ch <= '\\u036f' THEN '' ELSE ch END), NFC)`;

// Where a state stands with a treaty on day, from its SIGNED (s), RATIFIED (r)
// and STATUS_UNKNOWN (u) relationships: model.TreatyParticipation.StatusOn.
const status = (s, r, u, day) => `CASE
      WHEN ${r} IS NOT NULL AND coalesce(${r}.date, '') <= ${day} AND ${r}.entryIntoForce IS NOT NULL AND ${r}.entryIntoForce <= ${day} THEN 'IN_FORCE'
      WHEN ${r} IS NOT NULL AND coalesce(${r}.date, '') <= ${day} THEN 'RATIFIED'
      WHEN ${u} THEN 'UNKNOWN'
      WHEN ${s} IS NOT NULL AND coalesce(${s}.date, '') <= ${day} THEN 'SIGNED'
      ELSE 'NOT_SIGNED' END`;

// A date shown only once it is reached, like the service's shown().
const shown = (d, day) => `CASE WHEN ${d} <= ${day} THEN ${d} END`;

// One level of the service's breadth-first expansion (explore.go): the
// unseen neighbours of the frontier by id, at most room of them. The cut is a
// slice because LIMIT takes no variables; a level that fills the room leaves
// none for the next, which is where the service stops too. The first level's
// frontier is also its seen list, and Cypher refuses an import named twice.
const level = (frontier, seen, room, out) => `
CALL (${[...new Set([frontier, seen, room])].join(", ")}) {
  UNWIND CASE WHEN ${room} > 0 THEN ${frontier} ELSE [] END AS a
  MATCH (a)--(b:Entity)
  WHERE NOT b IN ${seen}
  WITH DISTINCT b ORDER BY b.id
  RETURN collect(b) AS found
}
WITH *, found[..${room}] AS ${out}`;

// The Lucene stop words of the standard-folding analyzer (search.go).
const stopWords = ["a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no",
    "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was",
    "will", "with"];
const luceneSpecial = [..."+-&|!(){}[]^\"~*?:\\/"];
const cypherList = (xs) => "[" + xs.map((x) => `'${x.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`).join(", ") + "]";

const typeDefs = /* GraphQL */ `
interface Entity {
  id: ID!
  name: String!
}

type Instrument implements Entity @node {
  id: ID!
  name: String!
  shortName: String
  number: String
  opened: String
  entryIntoForce: String
  signedBy: [Country!]! @relationship(type: "SIGNED", direction: IN, properties: "Signature")
  ratifiedBy: [Country!]! @relationship(type: "RATIFIED", direction: IN, properties: "Ratification")
  supportedBy: [Project!]! @relationship(type: "SUPPORTS", direction: IN)
}

type Body implements Entity @node {
  id: ID!
  name: String!
  acronym: String
  implements: [Project!]! @relationship(type: "IMPLEMENTED_BY", direction: IN)
  funds: [Project!]! @relationship(type: "FUNDED_BY", direction: IN)
}

type Project implements Entity @node {
  id: ID!
  name: String!
  acronym: String
  startDate: String
  endDate: String
  targets: [Country!]! @relationship(type: "TARGETS", direction: OUT)
  funders: [Funder!]! @relationship(type: "FUNDED_BY", direction: OUT)
  implementedBy: [Body!]! @relationship(type: "IMPLEMENTED_BY", direction: OUT)
  supports: [Instrument!]! @relationship(type: "SUPPORTS", direction: OUT)
}

union Funder = Body | Country

type Country implements Entity @node {
  id: ID!
  name: String!
  iso2: String
  iso3: String
  coeStatus: String
  coeAccession: String
  coeLeft: String
  projects: [Project!]! @relationship(type: "TARGETS", direction: IN)
  signed: [Instrument!]! @relationship(type: "SIGNED", direction: OUT, properties: "Signature")
  ratified: [Instrument!]! @relationship(type: "RATIFIED", direction: OUT, properties: "Ratification")
  events: [Event!]! @relationship(type: "HELD_IN", direction: IN)
  evaluatedIn: [MonitoringRound!]! @relationship(type: "EVALUATED", direction: IN)
  memberOf: [Body!]! @relationship(type: "MEMBER_OF", direction: OUT)
  # The three relationship fields cannot give one row per treaty with its
  # status on a day, which is what the service's Country.treaties is.
  "Treaties the state signed, ratified or has a disputed status with, each once, as they stand today."
  treaties(first: Int = 50): [Treaty!]!
    @cypher(
      statement: """
      MATCH (this)-[:SIGNED|RATIFIED|STATUS_UNKNOWN]->(x:Instrument)
      WITH DISTINCT this, x
      OPTIONAL MATCH (this)-[s:SIGNED]->(x)
      OPTIONAL MATCH (this)-[r:RATIFIED]->(x)
      OPTIONAL MATCH (this)-[u:STATUS_UNKNOWN]->(x)
      WITH x, s, r, u, toString(date()) AS day
      WHERE (r IS NOT NULL AND coalesce(r.date, '') <= day) OR (s IS NOT NULL AND coalesce(s.date, '') <= day) OR u IS NOT NULL
      WITH x, s, r, u, day ORDER BY coalesce(x.name, ''), x.id LIMIT $first
      RETURN {
        node: x {.id, .name, .number},
        status: ${status("s", "r", "u IS NOT NULL", "day")},
        signed: ${shown("s.date", "day")},
        ratified: ${shown("r.date", "day")},
        action: r.action,
        entryIntoForce: ${shown("r.entryIntoForce", "day")}
      } AS treaty
      """
      columnName: "treaty"
    )
}

type Signature @relationshipProperties {
  date: String
}

type Ratification @relationshipProperties {
  date: String
  action: String
  entryIntoForce: String
}

type Resource implements Entity @node {
  id: ID!
  name: String!
  published: String
}

type Event implements Entity @node {
  id: ID!
  name: String!
  startDate: String
  endDate: String
  heldIn: [Country!]! @relationship(type: "HELD_IN", direction: OUT)
}

type MonitoringRound implements Entity @node {
  id: ID!
  name: String!
}

type Topic implements Entity @node {
  id: ID!
  name: String!
}

enum TreatyStatus {
  NOT_SIGNED
  SIGNED
  RATIFIED
  IN_FORCE
  UNKNOWN
}

type TreatyInstrument {
  id: ID!
  name: String!
  number: String
}

type Treaty {
  node: TreatyInstrument!
  status: TreatyStatus!
  signed: String
  ratified: String
  action: String
  entryIntoForce: String
}

type CoverageCountry {
  id: ID!
  name: String!
}

type CoverageInstrument {
  id: ID!
  name: String!
}

type CoverageCell {
  instrument: CoverageInstrument!
  status: TreatyStatus!
}

type CoverageRow {
  country: CoverageCountry!
  cells: [CoverageCell!]!
}

type PathLength {
  length: Int!
}

"Any of the names (English, French, short, acronym, aliases, number), ignoring case and accents."
input NameFilter {
  eq: String
  startsWith: String
  contains: String
}

input CoverageCountries {
  name: NameFilter
}

type Query {
  """
  Nodes within depth hops of a node, either direction, any type, the start
  first, then by level and id within a level, at most limit in all.
  """
  neighbourhood(id: ID!, depth: Int = 1, limit: Int = 100): [Entity!]!
    @cypher(
      statement: """
      MATCH (s:Entity {id: $id})
      WITH s, [s] AS seen0, CASE WHEN $limit < 1 THEN 0 ELSE $limit - 1 END AS room1
      ${level("seen0", "seen0", "room1", "l1")}
      WITH s, seen0 + l1 AS seen1, CASE WHEN $depth >= 2 THEN room1 - size(l1) ELSE 0 END AS room2, l1
      ${level("l1", "seen1", "room2", "l2")}
      WITH s, seen1 + l2 AS seen2, CASE WHEN $depth >= 3 THEN room2 - size(l2) ELSE 0 END AS room3, l2
      ${level("l2", "seen2", "room3", "l3")}
      UNWIND seen2 + l3 AS n
      RETURN n
      """
      columnName: "n"
    )

  # shortestPath() refuses a path from a node to itself, hence the union. The
  # hop bound in a pattern takes no parameter: search to the service's
  # ceiling and filter after, as explore.go does.
  "Length of a shortest undirected path of at most maxHops relationships; null when there is none."
  shortestPath(from: ID!, to: ID!, maxHops: Int = 4): PathLength
    @cypher(
      statement: """
      MATCH (a:Entity {id: $from}), (b:Entity {id: $to})
      CALL (a, b) {
        WITH a, b WHERE a = b
        RETURN 0 AS len
        UNION
        WITH a, b WHERE a <> b
        MATCH p = shortestPath((a)-[*..6]-(b))
        RETURN length(p) AS len
      }
      WITH len WHERE len <= $maxHops
      RETURN {length: len} AS path
      """
      columnName: "path"
    )

  # Takes its own filter type: the generated CountryWhere compares name
  # case-sensitively, while the service matches every folded name (nameKeys).
  """
  States by treaties with each status today: the given states, or the Council
  of Europe member states today when countries is null.
  """
  coverage(instruments: [ID!]!, countries: CoverageCountries): [CoverageRow!]!
    @cypher(
      statement: """
      WITH toString(date()) AS day
      MATCH (c:Country)
      WHERE CASE WHEN $countries IS NULL
        THEN c.coeStatus IN ['member', 'former_member'] AND c.coeAccession <= day AND (c.coeLeft IS NULL OR c.coeLeft > day)
        ELSE ($countries.name.eq IS NULL OR ${fold("$countries.name.eq")} IN c.nameKeys)
          AND ($countries.name.startsWith IS NULL OR any(k IN c.nameKeys WHERE k STARTS WITH ${fold("$countries.name.startsWith")}))
          AND ($countries.name.contains IS NULL OR any(k IN c.nameKeys WHERE k CONTAINS ${fold("$countries.name.contains")}))
        END
      WITH c, day ORDER BY coalesce(c.name, ''), c.id
      CALL (c, day) {
        UNWIND range(0, size($instruments) - 1) AS k
        MATCH (i:Instrument {id: $instruments[k]})
        WITH k, i, COLLECT { MATCH (c)-[q:SIGNED|RATIFIED|STATUS_UNKNOWN]->(i) RETURN q } AS rels
        WITH k, i, [q IN rels WHERE type(q) = 'SIGNED'][0] AS s, [q IN rels WHERE type(q) = 'RATIFIED'][0] AS r,
          any(q IN rels WHERE type(q) = 'STATUS_UNKNOWN') AS u
        ORDER BY k
        RETURN collect({instrument: i {.id, .name}, status: ${status("s", "r", "u", "day")}}) AS cells
      }
      RETURN {country: c {.id, .name}, cells: cells} AS row
      """
      columnName: "row"
    )

  # The Lucene query is built in Cypher the way search.go's luceneQuery
  # builds it, so the index returns the same hits with the same scores.
  """
  Full-text search over names, acronyms, aliases and numbers, as the service
  does it: every word wanted, the last also as a prefix, exact name matches
  first, then by score and id.
  """
  search(query: String!, first: Int = 20): [Entity!]!
    @cypher(
      statement: """
      WITH [w IN split(replace(replace(replace(${fold("$query")}, '\\t', ' '), '\\n', ' '), '\\r', ' '), ' ') WHERE w <> ''] AS words
      WITH words, [k IN range(0, size(words) - 1) |
          CASE WHEN k = size(words) - 1 AND words[k] =~ '[a-z0-9]+' AND NOT words[k] IN ${cypherList(stopWords)}
            THEN '+("' + reduce(e = '', ch IN split(words[k], '') | e + CASE WHEN ch IN ${cypherList(luceneSpecial)} THEN '\\\\' ELSE '' END + ch) + '" ' + words[k] + '*)'
            ELSE '+"' + reduce(e = '', ch IN split(words[k], '') | e + CASE WHEN ch IN ${cypherList(luceneSpecial)} THEN '\\\\' ELSE '' END + ch) + '"'
          END] AS clauses
      WHERE size(words) > 0
      CALL db.index.fulltext.queryNodes('entity_names', reduce(q = '', c IN clauses | q + CASE WHEN q = '' THEN '' ELSE ' ' END + c)) YIELD node, score
      WITH words, collect({n: node, score: score}) AS hits, max(score) AS top
      UNWIND hits AS h
      WITH h.n AS n, CASE WHEN reduce(k = '', w IN words | k + CASE WHEN k = '' THEN '' ELSE ' ' END + w) IN h.n.nameKeys THEN top + 1.0 + h.score ELSE h.score END AS score
      ORDER BY score DESC, n.id ASC
      LIMIT $first
      RETURN n
      """
      columnName: "n"
    )
}
`;

const uri = process.env.NEO4J_URI ?? "bolt://127.0.0.1:7687";
const driver = neo4j.driver(uri, neo4j.auth.basic(process.env.NEO4J_USER ?? "neo4j", process.env.NEO4J_PASSWORD ?? ""));
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();

// Every request names the database, so none spends a round trip resolving
// the home database (the service does the same).
const sessionConfig = { database: "neo4j" };

const yoga = createYoga({
    schema,
    context: () => ({ sessionConfig }),
    graphqlEndpoint: "/graphql",
    graphiql: false,
    landingPage: false,
    cors: false,
    logging: false,
    // The harness compares answers; a masked error would hide why one failed.
    maskedErrors: false,
});

const port = Number(process.env.PORT ?? 4000);
const server = http.createServer(yoga);
server.listen(port, "127.0.0.1", () => {
    console.log(`@neo4j/graphql listening on http://127.0.0.1:${port}/graphql (Neo4j ${uri})`);
});

const stop = () => {
    server.close();
    driver.close().finally(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
