// meshpay replaces webrtc-polyfill (a native libdatachannel addon whose install downloads from GitHub) with its
// browser half: the browser's own WebRTC classes. bittorrent-tracker's client pulls it in through
// p2p-media-loader; meshpay runs that client only in browsers, and in Node only bittorrent-tracker/server.
const scope = globalThis;
export const RTCPeerConnection = scope.RTCPeerConnection;
export const RTCSessionDescription = scope.RTCSessionDescription;
export const RTCIceCandidate = scope.RTCIceCandidate;
export const RTCIceTransport = scope.RTCIceTransport;
export const RTCDataChannel = scope.RTCDataChannel;
export const RTCSctpTransport = scope.RTCSctpTransport;
export const RTCDtlsTransport = scope.RTCDtlsTransport;
export const RTCCertificate = scope.RTCCertificate;
export const MediaStream = scope.MediaStream;
export const MediaStreamTrack = scope.MediaStreamTrack;
export const RTCPeerConnectionIceEvent = scope.RTCPeerConnectionIceEvent;
export const RTCDataChannelEvent = scope.RTCDataChannelEvent;
export const RTCTrackEvent = scope.RTCTrackEvent;
export const RTCError = scope.RTCError;
export const RTCErrorEvent = scope.RTCErrorEvent;
export default {
  RTCPeerConnection,
  RTCSessionDescription,
  RTCIceCandidate,
  RTCIceTransport,
  RTCDataChannel,
  RTCSctpTransport,
  RTCDtlsTransport,
  RTCCertificate,
  MediaStream,
  MediaStreamTrack,
  RTCPeerConnectionIceEvent,
  RTCDataChannelEvent,
  RTCTrackEvent,
  RTCError,
  RTCErrorEvent,
};
