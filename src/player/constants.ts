/**
 * Size of one receipted chunk: every segment a peer delivered is cut into pieces of this many bytes from its
 * first byte (the last piece is shorter), and piece i of segment s is receipted as chunk i of segment s. The
 * uniqueness key of a receipt is (ticketHash, segment, chunk), so a viewer pays for each piece once.
 */
export const PLAYER_CHUNK_BYTES = 65_536;

/** p2p-media-loader peer ids are 20 characters; meshpay's start with this tag, then 18 characters of card hash. */
export const PEER_ID_TAG = "MP";
