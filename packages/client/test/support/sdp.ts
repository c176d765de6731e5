// Realistic WebRTC signaling payloads (Chrome-style SDP and ICE candidates) for leak checks.
export const OFFER_SDP = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=extmap-allow-mixed',
  'a=msid-semantic: WMS',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:EsAw',
  'a=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 0D:3C:18:48:6B:7E:8C:3B:9C:6F:8B:2E:1D:0E:7A:6F:0E:5D:4C:3B:2A:19:08:F7:E6:D5:C4:B3:A2:91:80:7F',
  'a=setup:actpass',
  'a=mid:0',
  'a=sctp-port:5000',
  'a=max-message-size:262144',
  '',
].join('\r\n');

export const CANDIDATE =
  'candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 192.168.1.20 rport 46154 generation 0 ufrag EsAw network-cost 999';

export const LEAK_MARKERS = ['v=0', 'a=fingerprint', 'candidate:', 'ice-ufrag'];
