import { generateKeyFiles } from '../../seal/keys.js';
import { parse, required } from '../args.js';

export const keygenCommand = async (args: readonly string[]): Promise<number> => {
  const { values } = parse(args, { out: { type: 'string' }, id: { type: 'string' } });
  const k = await generateKeyFiles(required(values.out, '--out DIR'), values.id);
  console.log(`key ${k.keyId}\n  secret: ${k.secretPath} (mode 0600: keep it secret)\n  public: ${k.publicPath} (give it to auditors: verify --trust ${k.publicPath})`);
  return 0;
};
