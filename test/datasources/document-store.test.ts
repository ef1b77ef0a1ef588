import { randomUUID } from 'node:crypto';
import { EmbeddedDocumentStore } from '../../src/datasources/embedded/embedded-document-store.js';
import { MongoDocumentStore } from '../../src/datasources/mongo/mongo-document-store.js';
import { documentStoreContract } from '../contracts/document-store.contract.js';
import { requireEnv } from '../support/env.js';

documentStoreContract('FerretDB (MongoDB wire protocol)', () =>
  MongoDocumentStore.connect({ url: requireEnv('MONGODB_URL'), database: `contract_${randomUUID().slice(0, 8)}` }),
);
documentStoreContract('embedded', async () => new EmbeddedDocumentStore());
