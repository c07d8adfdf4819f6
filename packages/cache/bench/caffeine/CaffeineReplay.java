import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Paths;

public final class CaffeineReplay {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    for (String line; (line = in.readLine()) != null; ) {
      if (line.isBlank()) continue;
      int space = line.lastIndexOf(' ');
      IntBuffer keys = ByteBuffer.wrap(Files.readAllBytes(Paths.get(line.substring(0, space))))
          .order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
      Cache<Integer, Integer> cache = Caffeine.newBuilder()
          .maximumSize(Long.parseLong(line.substring(space + 1))).executor(Runnable::run).build();
      long hits = 0;
      int n = keys.remaining();
      for (int i = 0; i < n; i++) {
        Integer key = keys.get(i);
        if (cache.getIfPresent(key) != null) hits++;
        else cache.put(key, key);
      }
      System.out.println(hits + " " + n);
    }
  }
}
