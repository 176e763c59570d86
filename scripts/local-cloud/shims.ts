/**
 * aws-local-stepfunctions 3.x calls Promise.withResolvers (Node 22+). This is
 * the one shim that lets it run on Node 20, following the TC39 spec
 * (https://github.com/tc39/proposal-promise-with-resolvers). On Node 22+ it
 * does nothing. Import this module before aws-local-stepfunctions.
 */
interface PromiseWithResolversShape<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

const PromiseConstructor = Promise as unknown as { withResolvers?: <T>() => PromiseWithResolversShape<T> };

if (typeof PromiseConstructor.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>(): PromiseWithResolversShape<T> {
      let resolve!: PromiseWithResolversShape<T>['resolve'];
      let reject!: PromiseWithResolversShape<T>['reject'];
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export {};
