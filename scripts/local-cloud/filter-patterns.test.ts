import { compileFilterPatterns, FilterPatternError } from './filter-patterns';

/** Stream records as Lambda sees them (only the fields the patterns look at). */
const record = (eventName: string, newImage?: Record<string, unknown>) => ({
  eventName,
  eventSource: 'aws:dynamodb',
  dynamodb: { Keys: { eventId: { S: 'e1' } }, ...(newImage ? { NewImage: newImage } : {}), SequenceNumber: '100' },
});

describe('Lambda filter patterns, as the local event source mapping applies them', () => {
  it('passes only the listed eventName values (the relay filter in serverless.yml)', () => {
    const insertsOnly = compileFilterPatterns([{ eventName: ['INSERT'] }]);
    expect(insertsOnly(record('INSERT'))).toBe(true);
    expect(insertsOnly(record('MODIFY'))).toBe(false);
    expect(insertsOnly(record('REMOVE'))).toBe(false);
  });

  it('matches nested dynamodb.NewImage attributes, typed as DynamoDB writes them', () => {
    const orderCreated = compileFilterPatterns([{ dynamodb: { NewImage: { eventType: { S: ['ORDER_CREATED'] } } } }]);
    expect(orderCreated(record('INSERT', { eventType: { S: 'ORDER_CREATED' } }))).toBe(true);
    expect(orderCreated(record('INSERT', { eventType: { S: 'ORDER_SHIPPED' } }))).toBe(false);
    expect(orderCreated(record('REMOVE'))).toBe(false);
  });

  it('needs every key of one pattern (AND) and any one pattern of the list (OR)', () => {
    const filter = compileFilterPatterns([{ eventName: ['INSERT'], dynamodb: { NewImage: { kind: { S: ['a', 'b'] } } } }, { eventName: ['REMOVE'] }]);
    expect(filter(record('INSERT', { kind: { S: 'b' } }))).toBe(true);
    expect(filter(record('MODIFY', { kind: { S: 'b' } }))).toBe(false);
    expect(filter(record('INSERT', { kind: { S: 'c' } }))).toBe(false);
    expect(filter(record('REMOVE'))).toBe(true);
  });

  it('supports prefix, anything-but and exists', () => {
    expect(compileFilterPatterns([{ dynamodb: { Keys: { eventId: { S: [{ prefix: 'e' }] } } } }])(record('INSERT'))).toBe(true);
    expect(compileFilterPatterns([{ eventName: [{ 'anything-but': ['REMOVE'] }] }])(record('MODIFY'))).toBe(true);
    expect(compileFilterPatterns([{ eventName: [{ 'anything-but': 'MODIFY' }] }])(record('MODIFY'))).toBe(false);
    expect(compileFilterPatterns([{ dynamodb: { NewImage: [{ exists: false }] } }])(record('REMOVE'))).toBe(true);
    expect(compileFilterPatterns([{ dynamodb: { OldImage: { x: [{ exists: true }] } } }])(record('INSERT'))).toBe(false);
  });

  it('passes everything when there is no pattern', () => {
    expect(compileFilterPatterns([])(record('MODIFY'))).toBe(true);
  });

  it('refuses what it cannot evaluate exactly like AWS, naming where', () => {
    expect(() => compileFilterPatterns([{ dynamodb: { NewImage: { n: { N: [{ numeric: ['>', 1] }] } } } }])).toThrow(FilterPatternError);
    expect(() => compileFilterPatterns([{ eventName: 'INSERT' }])).toThrow(/filterPatterns\[0\]\.eventName: leaf values must be lists/);
    expect(() => compileFilterPatterns([{ $or: [] }])).toThrow(/not supported/);
  });
});
