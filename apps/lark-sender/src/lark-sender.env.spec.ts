import { senderDatabase } from './lark-sender.env';

describe('senderDatabase: the sender keeps its state in a database of its own', () => {
  it.each([
    ['mongodb://127.0.0.1:27017/alertlark', 'alertlark_sender'],
    ['mongodb://user:pw@a:1,b:2/prod?replicaSet=rs0', 'prod_sender'],
    ['mongodb+srv://cluster.example/ops', 'ops_sender'],
    ['mongodb://127.0.0.1:27017', 'test_sender'],
  ])('%s → %s', (url, database) => {
    expect(senderDatabase({ MONGO_URL: url })).toBe(database);
  });

  it('LARK_SENDER_MONGO_DB names it outright', () => {
    expect(senderDatabase({ MONGO_URL: 'mongodb://h/alertlark', LARK_SENDER_MONGO_DB: 'sender' })).toBe('sender');
  });
});
