# Independent cross-check of checkpoints.json, sharing no code with the TypeScript library:
# Python hashlib and the `cryptography` package (Ed25519). Run: python3 test/vectors/check-vectors.py
import json, hashlib, base64, struct
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey, Ed25519PrivateKey
v = json.load(open('test/vectors/checkpoints.json'))
H = lambda b: hashlib.sha256(b).digest()
leaves = [bytes.fromhex(l['data']) for l in v['leaves']]
lh = [H(b'\0' + d) for d in leaves]
def mth(hs):
    if not hs: return H(b'')
    if len(hs) == 1: return hs[0]
    k = 1
    while k * 2 < len(hs): k *= 2
    return H(b'\1' + mth(hs[:k]) + mth(hs[k:]))
for n, r in enumerate(v['rootsBySize']): assert mth(lh[:n]).hex() == r, n
def path(m, hs):
    if len(hs) <= 1: return []
    k = 1
    while k * 2 < len(hs): k *= 2
    return path(m, hs[:k]) + [mth(hs[k:])] if m < k else path(m - k, hs[k:]) + [mth(hs[:k])]
def sub(m, hs, b):
    if m == len(hs): return [] if b else [mth(hs)]
    k = 1
    while k * 2 < len(hs): k *= 2
    return sub(m, hs[:k], b) + [mth(hs[k:])] if m <= k else sub(m - k, hs[k:], False) + [mth(hs[:k])]
for p in v['inclusion']: assert [h.hex() for h in path(p['index'], lh[:p['size']])] == p['proof']
for p in v['consistency']: assert [h.hex() for h in sub(p['size1'], lh[:p['size2']], True)] == p['proof']
ONE=bytes([1]); FOUR=bytes([4])
def kid(name, t, pub): return H(name.encode() + b'\n' + bytes([t]) + pub)[:4]
lp = bytes.fromhex(v['log']['publicKey']); wp = bytes.fromhex(v['witness']['publicKey'])
assert Ed25519PrivateKey.from_private_bytes(bytes.fromhex(v['log']['seed'])).public_key().public_bytes_raw() == lp
assert v['log']['verifierKey'] == f"{v['log']['origin']}+{kid(v['log']['origin'],1,lp).hex()}+{base64.b64encode(ONE+lp).decode()}"
assert v['witness']['verifierKey'] == f"{v['witness']['name']}+{kid(v['witness']['name'],4,wp).hex()}+{base64.b64encode(FOUR+wp).decode()}"
for c in v['checkpoints']:
    body = f"{v['log']['origin']}\n{c['size']}\n{base64.b64encode(bytes.fromhex(v['rootsBySize'][c['size']])).decode()}\n"
    assert c['body'] == body
    text, sigs = c['cosigned'].rsplit('\n\n', 1)
    text += '\n'
    assert text == body
    l1, l2 = sigs.rstrip('\n').split('\n')
    assert l1.startswith('\u2014 ' + v['log']['origin'] + ' ')
    s = base64.b64decode(l1.split(' ')[2]); assert s[:4] == kid(v['log']['origin'], 1, lp)
    Ed25519PublicKey.from_public_bytes(lp).verify(s[4:], body.encode())
    s = base64.b64decode(l2.split(' ')[2]); assert s[:4] == kid(v['witness']['name'], 4, wp)
    ts, = struct.unpack('>Q', s[4:12]); assert ts == c['timestamp']
    Ed25519PublicKey.from_public_bytes(wp).verify(s[12:], f"cosignature/v1\ntime {ts}\n".encode() + body.encode())
print('independent check ok:', len(v['inclusion']), 'inclusion,', len(v['consistency']), 'consistency,', len(v['checkpoints']), 'checkpoints')
